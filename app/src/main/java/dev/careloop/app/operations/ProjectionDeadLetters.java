package dev.careloop.app.operations;

import dev.careloop.app.infra.DeadLetterCauses;
import dev.careloop.app.infra.SagaDeadLetters;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.deadletter.jdbc.JdbcDeadLetter;
import org.axonframework.messaging.deadletter.DeadLetter;
import org.axonframework.messaging.deadletter.SequencedDeadLetterProcessor;
import org.axonframework.messaging.deadletter.SequencedDeadLetterQueue;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The dead letters of the application's event processors (read models, audit trail, FHIR index, and the sagas'
 * processors through {@link SagaDeadLetters}): what waits in each processing group's queue, a retry of one
 * sequence, and its eviction. Partner deliveries keep their own (PartnerAdminController).
 */
@Component
public class ProjectionDeadLetters {

    /** How much of a cause the API shows: its first line, this long at most. */
    private static final int SHOWN_CAUSE_LENGTH = 300;

    /** One dead letter: the event, and why it failed (its place in the log: saga letters only). */
    public record Letter(String eventId, String eventType, String aggregateType, String aggregateId,
                         Long aggregateVersion, String causeType, String cause, Instant enqueuedAt,
                         Instant lastTouched, Long globalIndex) {
    }

    /** A sequence's letters, oldest first: the failed event, then those parked behind it. */
    public record Sequence(String sequence, List<Letter> letters) {
    }

    public record Group(String group, long letters, List<Sequence> sequences) {
    }

    public enum RetryOutcome { HANDLED, FAILED_AGAIN, NOT_FOUND }

    private final EventProcessingConfiguration processing;
    private final TransactionManager transactions;
    private final JdbcTemplate jdbc;
    private final SagaDeadLetters sagas;
    private volatile CountsAt recent;

    ProjectionDeadLetters(EventProcessingConfiguration processing, TransactionManager transactions,
                          JdbcTemplate jdbc, SagaDeadLetters sagas) {
        this.processing = processing;
        this.transactions = transactions;
        this.jdbc = jdbc;
        this.sagas = sagas;
    }

    /** The processing groups of this process that dead-letter failed events, saga processors included. */
    public List<String> groups() {
        TreeSet<String> groups = new TreeSet<>(processing.eventProcessors().keySet().stream()
                .filter(group -> processing.deadLetterQueue(group).isPresent()).toList());
        groups.addAll(sagas.groups());
        return List.copyOf(groups);
    }

    /** {@link #counts()} at most a second old: what a metrics scrape of every group's gauge reads, in one query. */
    public Map<String, Long> recentCounts() {
        CountsAt last = recent;
        if (last == null || System.nanoTime() - last.nanos() > 1_000_000_000L) {
            last = new CountsAt(System.nanoTime(), counts());
            recent = last;
        }
        return last.counts();
    }

    private record CountsAt(long nanos, Map<String, Long> counts) {
    }

    /** Dead letters per group (every group with a queue, empty ones too), counted in one query. */
    public Map<String, Long> counts() {
        List<String> groups = groups().stream().filter(group -> !sagas.isSagaGroup(group)).toList();
        Map<String, Long> counts = new LinkedHashMap<>();
        groups.forEach(group -> counts.put(group, 0L));
        counts.putAll(sagas.counts());
        if (!groups.isEmpty()) {
            jdbc.query("SELECT processing_group, count(*) FROM dead_letter_entry WHERE processing_group = ANY(?) "
                            + "GROUP BY processing_group", rs -> {
                        counts.put(rs.getString(1), rs.getLong(2));
                    }, (Object) groups.toArray(String[]::new));
        }
        return counts;
    }

    public List<Group> list() {
        List<Group> groups = new ArrayList<>();
        for (String group : groups()) {
            if (sagas.isSagaGroup(group)) {
                List<Sequence> sequences = sagas.sequences(group).stream().map(s -> new Sequence(s.sequence(),
                        s.letters().stream().map(ProjectionDeadLetters::view).toList())).toList();
                groups.add(new Group(group, sequences.stream().mapToLong(s -> s.letters().size()).sum(), sequences));
                continue;
            }
            SequencedDeadLetterQueue<EventMessage<?>> queue = processing.deadLetterQueue(group).orElseThrow();
            groups.add(transactions.fetchInTransaction(() -> {
                List<Sequence> sequences = new ArrayList<>();
                long letters = 0;
                for (Iterable<DeadLetter<? extends EventMessage<?>>> sequence : queue.deadLetters()) {
                    List<Letter> views = new ArrayList<>();
                    String id = null;
                    for (DeadLetter<? extends EventMessage<?>> letter : sequence) {
                        id = id != null ? id : sequenceOf(letter);
                        views.add(view(letter));
                    }
                    letters += views.size();
                    sequences.add(new Sequence(id, views));
                }
                return new Group(group, letters, sequences);
            }));
        }
        return groups;
    }

    /** Hands the sequence's letters to the group's handlers again, oldest first; answers how that went. */
    public RetryOutcome retry(String group, String sequence) {
        if (sagas.isSagaGroup(group)) {
            return switch (sagas.retry(group, sequence)) {
                case HANDLED -> RetryOutcome.HANDLED;
                case FAILED_AGAIN -> RetryOutcome.FAILED_AGAIN;
                case NOT_FOUND -> RetryOutcome.NOT_FOUND;
            };
        }
        Optional<SequencedDeadLetterProcessor<EventMessage<?>>> processor =
                processing.sequencedDeadLetterProcessor(group);
        if (processor.isEmpty() || letters(group, sequence).isEmpty()) {
            return RetryOutcome.NOT_FOUND;
        }
        boolean handled = processor.get().process(first -> sequence.equals(sequenceOf(first)));
        return handled ? RetryOutcome.HANDLED : RetryOutcome.FAILED_AGAIN;
    }

    /** Removes the sequence's letters for good; answers the events evicted (none: no such sequence). */
    public List<Letter> evict(String group, String sequence) {
        if (sagas.isSagaGroup(group)) {
            return sagas.evict(group, sequence).stream().map(ProjectionDeadLetters::view).toList();
        }
        Optional<SequencedDeadLetterQueue<EventMessage<?>>> queue = processing.deadLetterQueue(group);
        if (queue.isEmpty()) {
            return List.of();
        }
        return transactions.fetchInTransaction(() -> {
            List<Letter> evicted = new ArrayList<>();
            for (DeadLetter<? extends EventMessage<?>> letter : lettersIn(queue.get(), sequence)) {
                queue.get().evict(letter);
                evicted.add(view(letter));
            }
            return evicted;
        });
    }

    private List<DeadLetter<? extends EventMessage<?>>> letters(String group, String sequence) {
        return processing.deadLetterQueue(group)
                .map(queue -> transactions.fetchInTransaction(() -> lettersIn(queue, sequence)))
                .orElse(List.of());
    }

    private static List<DeadLetter<? extends EventMessage<?>>> lettersIn(
            SequencedDeadLetterQueue<EventMessage<?>> queue, String sequence) {
        for (Iterable<DeadLetter<? extends EventMessage<?>>> letters : queue.deadLetters()) {
            List<DeadLetter<? extends EventMessage<?>>> found = new ArrayList<>();
            for (DeadLetter<? extends EventMessage<?>> letter : letters) {
                if (!sequence.equals(sequenceOf(letter))) {
                    break;
                }
                found.add(letter);
            }
            if (!found.isEmpty()) {
                return found;
            }
        }
        return List.of();
    }

    private static String sequenceOf(DeadLetter<?> letter) {
        return letter instanceof JdbcDeadLetter<?> jdbc ? jdbc.getSequenceIdentifier() : null;
    }

    private static Letter view(DeadLetter<? extends EventMessage<?>> letter) {
        EventMessage<?> message = letter.message();
        DomainEventMessage<?> domain = message instanceof DomainEventMessage<?> d ? d : null;
        return new Letter(message.getIdentifier(), message.getPayloadType().getSimpleName(),
                domain == null ? null : domain.getType(), domain == null ? null : domain.getAggregateIdentifier(),
                domain == null ? null : domain.getSequenceNumber() + 1,
                letter.cause().map(c -> c.type()).orElse(null),
                letter.cause().map(c -> shown(c.message())).orElse(null), letter.enqueuedAt(), letter.lastTouched(),
                null);
    }

    private static Letter view(SagaDeadLetters.Letter letter) {
        return new Letter(letter.eventId(), letter.eventType(), letter.aggregateType(), letter.aggregateId(),
                letter.aggregateVersion(), letter.causeType(), shown(letter.cause()), letter.enqueuedAt(),
                letter.lastTouched(), letter.globalIndex());
    }

    /** The cause's first line, without control characters, short: database errors quote the rows they refused. */
    static String shown(String cause) {
        if (cause == null) {
            return null;
        }
        int newline = cause.indexOf('\n');
        String line = newline < 0 ? cause : cause.substring(0, newline);
        return DeadLetterCauses.clean(line.replace('\t', ' '), SHOWN_CAUSE_LENGTH).strip();
    }
}
