package dev.careloop.app.infra;

import org.axonframework.config.Configuration;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.config.SagaConfiguration;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.AbstractEventProcessor;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.messaging.DefaultInterceptorChain;
import org.axonframework.messaging.ResultMessage;
import org.axonframework.messaging.interceptors.CorrelationDataInterceptor;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.RollbackConfigurationType;
import org.axonframework.modelling.saga.AssociationValue;
import org.axonframework.modelling.saga.metamodel.AnnotationSagaMetaModelFactory;
import org.axonframework.modelling.saga.metamodel.SagaModel;
import org.axonframework.modelling.saga.repository.SagaStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The dead letters of the saga processors (saga_dead_letter, V29): Axon 4 has none for sagas, so an event a saga
 * could not take would otherwise be retried for ever and stall the process manager for every referral.
 * <p>
 * Ordering, as in Axon's sequenced dead-letter queue: a sequence is the saga association of its first failed event
 * ({@code appointmentId.<id>}) together with every association of the saga instances that event reached (its
 * {@code referralId} too). While a sequence waits, every later event that resolves to one of those associations is
 * parked behind it, in log order, rather than handled out of turn; events of other appointments and referrals go
 * on. A retry hands the sequence's events to the saga handlers again, oldest first, each in its own transaction
 * that also removes its letter, and stops at the first that fails again. The event is read back from the log by
 * its global index and id: the letter holds a reference and the cause, not a copy.
 * <p>
 * Live parking, the recording of a new letter and every retry take one PostgreSQL advisory lock per processing
 * group in their transaction, so a retry and the live processor never hand events of one sequence over each other.
 */
@Component
public class SagaDeadLetters {

    private static final Logger log = LoggerFactory.getLogger(SagaDeadLetters.class);

    /** What the sequence's later events are told while they wait. */
    static final String PARKED_TYPE = "parked";

    /** One letter as stored. */
    public record Letter(long globalIndex, String eventId, String eventType, String aggregateType,
                         String aggregateId, Long aggregateVersion, String causeType, String cause,
                         Instant enqueuedAt, Instant lastTouched) {
    }

    /** A sequence's letters, oldest first: the failed event, then those parked behind it. */
    public record Sequence(String sequence, List<Letter> letters) {
    }

    public enum RetryOutcome { HANDLED, FAILED_AGAIN, NOT_FOUND }

    private final EventProcessingConfiguration processing;
    private final Configuration axon;
    private final EventStorageEngine storage;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate ownTransaction;
    private final org.axonframework.common.transaction.TransactionManager transactions;
    private final Map<Class<?>, SagaModel<?>> models = new ConcurrentHashMap<>();
    /**
     * The saga groups, worked out once: asked for every event of every processor (the parking interceptor), where
     * building the saga configurations each time was ~2 % of the application's CPU under load (issue 19).
     */
    private volatile Set<String> sagaGroups;

    SagaDeadLetters(EventProcessingConfiguration processing, Configuration axon, EventStorageEngine storage,
                    JdbcTemplate jdbc, PlatformTransactionManager platform,
                    org.axonframework.common.transaction.TransactionManager transactions) {
        this.processing = processing;
        this.axon = axon;
        this.storage = storage;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.ownTransaction = new TransactionTemplate(platform);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /** The processing groups of this process that run sagas (each group is one processor, named after it). */
    public List<String> groups() {
        return new TreeSet<>(processing.sagaConfigurations().stream().map(SagaConfiguration::processingGroup)
                .toList()).stream().toList();
    }

    public boolean isSagaGroup(String group) {
        Set<String> groups = sagaGroups;
        if (groups == null) {
            groups = Set.copyOf(groups());
            sagaGroups = groups;
        }
        return groups.contains(group);
    }

    /**
     * In the live processor's transaction: when {@code event} belongs behind a waiting sequence, parks it there
     * and answers true (the saga must not see it now); false: the saga handles it.
     */
    boolean parkIfWaiting(String group, EventMessage<?> event) {
        Set<String> associations = associations(group, event, false);
        if (associations.isEmpty()) {
            return false;
        }
        lock(group);
        Optional<String> sequence = waitingSequence(group, associations);
        if (sequence.isEmpty()) {
            return false;
        }
        insert(group, sequence.get(), associations, event, PARKED_TYPE,
                "waits behind the earlier dead-lettered events of sequence " + sequence.get());
        log.warn("Saga processor {}: event {} ({}) parked behind dead-lettered sequence {}", group,
                event.getIdentifier(), event.getPayloadType().getSimpleName(), sequence.get());
        return true;
    }

    /**
     * Records {@code event}, which the group's sagas failed to handle, in a transaction of its own: a new sequence,
     * or the end of a waiting one it belongs to. A failure to record propagates, so the processor retries the event
     * rather than skip it.
     */
    void deadLetter(String group, EventMessage<?> event, Throwable cause) {
        ownTransaction.executeWithoutResult(status -> {
            lock(group);
            Set<String> associations = associations(group, event, true);
            // Named in the id alphabet (the admin API's paths take ids only): "appointmentId.<id>".
            String sequence = waitingSequence(group, associations)
                    .orElseGet(() -> associations.isEmpty() ? "event." + event.getIdentifier()
                            : associations.iterator().next().replaceFirst("=", "."));
            insert(group, sequence, associations, event, cause.getClass().getName(), describe(cause));
        });
    }

    /** Dead letters per saga group (every saga group, empty ones too), in one query. */
    public Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        groups().forEach(group -> counts.put(group, 0L));
        jdbc.query("SELECT processing_group, count(*) FROM saga_dead_letter GROUP BY processing_group",
                rs -> {
                    if (counts.containsKey(rs.getString(1))) {
                        counts.put(rs.getString(1), rs.getLong(2));
                    }
                });
        return counts;
    }

    /** The group's sequences, the one waiting longest first, each with its letters in log order. */
    public List<Sequence> sequences(String group) {
        Map<String, List<Letter>> bySequence = new LinkedHashMap<>();
        jdbc.query("SELECT * FROM saga_dead_letter WHERE processing_group = ? ORDER BY "
                        + "min(id) OVER (PARTITION BY sequence_identifier), global_index", rs -> {
                    bySequence.computeIfAbsent(rs.getString("sequence_identifier"), s -> new ArrayList<>())
                            .add(LETTER.mapRow(rs, 0));
                }, group);
        return bySequence.entrySet().stream().map(e -> new Sequence(e.getKey(), e.getValue())).toList();
    }

    public List<Letter> letters(String group, String sequence) {
        return jdbc.query("SELECT * FROM saga_dead_letter WHERE processing_group = ? AND sequence_identifier = ? "
                + "ORDER BY global_index", LETTER, group, sequence);
    }

    /**
     * Hands the sequence's events to the group's sagas again, oldest first, each in its own transaction that also
     * removes its letter; stops at the first that fails again (its letter keeps the new cause).
     */
    public RetryOutcome retry(String group, String sequence) {
        if (!isSagaGroup(group) || letters(group, sequence).isEmpty()) {
            return RetryOutcome.NOT_FOUND;
        }
        EventProcessor processor = processing.eventProcessor(group).orElse(null);
        if (!(processor instanceof AbstractEventProcessor handlers)) {
            return RetryOutcome.NOT_FOUND;
        }
        CorrelationDataInterceptor<EventMessage<?>> correlation =
                new CorrelationDataInterceptor<>(axon.correlationDataProviders());
        while (true) {
            List<Letter> waiting = letters(group, sequence);
            if (waiting.isEmpty()) {
                return RetryOutcome.HANDLED;
            }
            Letter letter = waiting.get(0);
            EventMessage<?> event;
            try {
                event = transactions.fetchInTransaction(() -> read(letter));
            } catch (RuntimeException e) {
                return failedAgain(group, sequence, letter, e);
            }
            DefaultUnitOfWork<EventMessage<?>> unitOfWork = new DefaultUnitOfWork<>(event);
            unitOfWork.attachTransaction(transactions);
            ResultMessage<?> result = unitOfWork.executeWithResult(() -> {
                lock(group);
                if (jdbc.update("DELETE FROM saga_dead_letter WHERE processing_group = ? AND event_identifier = ?",
                        group, letter.eventId()) == 0) {
                    // Another retry or an eviction took it meanwhile.
                    return null;
                }
                return new DefaultInterceptorChain<>(unitOfWork, List.of(correlation), m -> {
                    handlers.eventHandlerInvoker().handle(m, Segment.ROOT_SEGMENT);
                    return null;
                }).proceed();
            }, RollbackConfigurationType.ANY_THROWABLE);
            if (result.isExceptional()) {
                return failedAgain(group, sequence, letter, result.exceptionResult());
            }
        }
    }

    /** The letter keeps the new cause (one WARN line, no stack trace); the sequence waits on. */
    private RetryOutcome failedAgain(String group, String sequence, Letter letter, Throwable cause) {
        ownTransaction.executeWithoutResult(status -> jdbc.update("UPDATE saga_dead_letter SET cause_type = ?, "
                        + "cause_message = ?, last_touched = ? WHERE processing_group = ? AND event_identifier = ?",
                cause.getClass().getName(), DeadLetterCauses.clean(describe(cause), DeadLetterCauses.STORED_LENGTH),
                Timestamp.from(Instant.now()), group, letter.eventId()));
        log.warn("Saga processor {}: dead-lettered event {} of sequence {} failed again: {}", group,
                letter.eventId(), sequence, oneLine(cause));
        return RetryOutcome.FAILED_AGAIN;
    }

    /** Removes the sequence's letters for good; answers them (none: no such sequence). */
    public List<Letter> evict(String group, String sequence) {
        return ownTransaction.execute(status -> {
            lock(group);
            List<Letter> letters = letters(group, sequence);
            jdbc.update("DELETE FROM saga_dead_letter WHERE processing_group = ? AND sequence_identifier = ?",
                    group, sequence);
            return letters;
        });
    }

    /** The sequences that have waited longest since their last try, at most {@code max} per group. */
    public Map<String, List<String>> oldestSequences(int max) {
        Map<String, List<String>> oldest = new LinkedHashMap<>();
        for (String group : groups()) {
            oldest.put(group, jdbc.queryForList("SELECT sequence_identifier FROM saga_dead_letter "
                    + "WHERE processing_group = ? GROUP BY sequence_identifier ORDER BY max(last_touched) LIMIT ?",
                    String.class, group, max));
        }
        return oldest;
    }

    /** The event a letter names, read back from the log. */
    private EventMessage<?> read(Letter letter) {
        try (Stream<? extends TrackedEventMessage<?>> events = storage.readEvents(
                GapAwareTrackingToken.newInstance(letter.globalIndex() - 1, new TreeSet<>()), false)) {
            return events.findFirst().filter(e -> e.getIdentifier().equals(letter.eventId()))
                    .orElseThrow(() -> new IllegalStateException("event " + letter.eventId()
                            + " is no longer at global index " + letter.globalIndex() + " of the log"));
        }
    }

    private void lock(String group) {
        jdbc.query("SELECT pg_advisory_xact_lock(hashtext(?))", rs -> {
        }, "saga_dead_letter:" + group);
    }

    private Optional<String> waitingSequence(String group, Set<String> associations) {
        if (associations.isEmpty()) {
            return Optional.empty();
        }
        return jdbc.queryForList("SELECT sequence_identifier FROM saga_dead_letter WHERE processing_group = ? "
                        + "AND associations && ?::text[] ORDER BY id LIMIT 1", String.class, group,
                associations.toArray(String[]::new)).stream().findFirst();
    }

    private void insert(String group, String sequence, Set<String> associations, EventMessage<?> event,
                        String causeType, String cause) {
        DomainEventMessage<?> domain = event instanceof DomainEventMessage<?> d ? d : null;
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.update("INSERT INTO saga_dead_letter (processing_group, saga_type, sequence_identifier, associations, "
                        + "global_index, event_identifier, event_type, aggregate_type, aggregate_identifier, "
                        + "aggregate_sequence, cause_type, cause_message, enqueued_at, last_touched) "
                        + "VALUES (?, ?, ?, ?::text[], ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT (processing_group, event_identifier) DO UPDATE SET cause_type = "
                        + "excluded.cause_type, cause_message = excluded.cause_message, last_touched = "
                        + "excluded.last_touched",
                group, sagaTypes(group), sequence, associations.toArray(String[]::new), globalIndex(event),
                event.getIdentifier(), event.getPayloadType().getName(), domain == null ? null : domain.getType(),
                domain == null ? null : domain.getAggregateIdentifier(),
                domain == null ? null : domain.getSequenceNumber(), causeType,
                DeadLetterCauses.clean(cause, DeadLetterCauses.STORED_LENGTH), now, now);
    }

    private long globalIndex(EventMessage<?> event) {
        if (event instanceof TrackedEventMessage<?> tracked && tracked.trackingToken().position().isPresent()) {
            return tracked.trackingToken().position().getAsLong();
        }
        Long index = jdbc.queryForObject("SELECT global_index FROM domain_event_entry WHERE event_identifier = ?",
                Long.class, event.getIdentifier());
        return index == null ? 0 : index;
    }

    private String sagaTypes(String group) {
        return String.join(",", sagasOf(group).stream().map(s -> s.type().getName()).toList());
    }

    private List<SagaConfiguration<?>> sagasOf(String group) {
        return processing.sagaConfigurations().stream().filter(s -> s.processingGroup().equals(group)).toList();
    }

    /**
     * The associations ("key=value") the event resolves to in each saga of the group; with {@code reached}, also
     * every association of the saga instances those lead to (a failed appointment event holds back its
     * referral's events too).
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private Set<String> associations(String group, EventMessage<?> event, boolean reached) {
        Set<String> associations = new LinkedHashSet<>();
        for (SagaConfiguration<?> saga : sagasOf(group)) {
            SagaModel<?> model = models.computeIfAbsent(saga.type(), type -> new AnnotationSagaMetaModelFactory(
                    axon.parameterResolverFactory(), axon.handlerDefinition(type)).modelOf(type));
            Optional<AssociationValue> resolved = model.resolveAssociation(event);
            if (resolved.isEmpty()) {
                continue;
            }
            associations.add(text(resolved.get()));
            if (reached) {
                SagaStore store = saga.store();
                for (Object id : store.findSagas(saga.type(), resolved.get())) {
                    SagaStore.Entry<?> entry = store.loadSaga(saga.type(), (String) id);
                    if (entry != null) {
                        ((Set<AssociationValue>) entry.associationValues()).forEach(a -> associations.add(text(a)));
                    }
                }
            }
        }
        return associations;
    }

    private static String text(AssociationValue value) {
        return value.getKey() + "=" + value.getValue();
    }

    /** The failure for a log line: one line, short, without control characters. */
    static String oneLine(Throwable failure) {
        return DeadLetterCauses.clean(describe(failure).replace('\n', ' ').replace('\t', ' '), 300);
    }

    /** The failure as one stored line: its type's message, with the first cause that says more. */
    static String describe(Throwable failure) {
        String message = failure.getMessage();
        for (Throwable c = failure.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && (message == null || !message.contains(c.getMessage()))) {
                message = (message == null ? "" : message + ": ") + c.getClass().getSimpleName() + ": "
                        + c.getMessage();
                break;
            }
        }
        return message == null ? failure.getClass().getSimpleName() : message;
    }

    private static final RowMapper<Letter> LETTER = (rs, n) -> {
        String type = rs.getString("event_type");
        long sequence = rs.getLong("aggregate_sequence");
        Long version = rs.wasNull() ? null : sequence + 1;
        return new Letter(rs.getLong("global_index"), rs.getString("event_identifier"),
                type.substring(type.lastIndexOf('.') + 1).replace('$', '.'), rs.getString("aggregate_type"),
                rs.getString("aggregate_identifier"), version,
                rs.getString("cause_type"), rs.getString("cause_message"),
                rs.getTimestamp("enqueued_at").toInstant(), rs.getTimestamp("last_touched").toInstant());
    };
}
