package dev.careloop.app.operations;

import dev.careloop.query.ProjectionCommits;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Readiness that tells the truth (docs/OPERATIONS.md, "Health"): DOWN while the event store cannot be read, while an
 * event processor is stalled (an event older than {@code careloop.health.processor-stall} that it has not reached),
 * while dead letters wait ({@code careloop.health.dead-letters-down}), or while the heap is nearly exhausted after
 * garbage collection. Liveness stays Spring Boot's own. Also the {@code careloop.dead.letters} gauge per group.
 */
@Configuration(proxyBeanMethods = false)
class ProcessingHealth {

    /** The processing group that mails notifications (query side, NotificationMail). */
    static final String NOTIFICATION_MAIL = "notification-mail";

    private static final Logger log = LoggerFactory.getLogger(ProcessingHealth.class);

    /** How long a check that reads the database may take: a database outage or an exhausted pool is DOWN quickly. */
    private static final Duration CHECK_LIMIT = Duration.ofSeconds(3);

    /** When one of this context's database checks last went unanswered: the others then answer DOWN at once. */
    private final AtomicLong unanswered = new AtomicLong();

    /** The event store answers a cheap query (the head of the log, from its primary key). */
    @Bean
    HealthIndicator eventStoreHealthIndicator(JdbcTemplate jdbc) {
        JdbcTemplate quick = new JdbcTemplate(jdbc.getDataSource());
        quick.setQueryTimeout(2);
        return new BoundedCheck("eventStore", CHECK_LIMIT, unanswered, () -> {
            try {
                return Health.up().withDetail("head", head(quick)).build();
            } catch (RuntimeException e) {
                log.warn("Readiness: the event store cannot be read: {}", e.toString());
                return Health.down().withDetail("error", e.getClass().getSimpleName()).build();
            }
        });
    }

    /**
     * Every event processor of this process, by its tokens in token_entry (whoever holds them; for the segments this
     * node holds, the tokens it keeps in memory while they have nothing to do): stalled when the first event it has
     * not reached was stored more than the threshold ago.
     */
    @Bean
    HealthIndicator eventProcessorsHealthIndicator(EventProcessingConfiguration processing,
                                                   org.axonframework.config.Configuration axon, JdbcTemplate jdbc,
                                                   ProjectionCommits commits,
                                                   @Value("${careloop.health.processor-stall:PT60S}") Duration stall) {
        Clock clock = Clock.systemUTC();
        return new BoundedCheck("eventProcessors", CHECK_LIMIT, unanswered, () -> {
            List<String> processors = List.copyOf(new java.util.TreeSet<>(processing.eventProcessors().keySet()));
            Map<String, Long> positions = positions(jdbc, axon.serializer(), commits.heldHere(), processors);
            Instant limit = clock.instant().minus(stall);
            Map<String, Object> stalled = new TreeMap<>();
            for (Map.Entry<String, Long> processor : positions.entrySet()) {
                Instant waiting = firstEventAfter(jdbc, processor.getValue());
                if (waiting != null && waiting.isBefore(limit)) {
                    stalled.put(processor.getKey(), Map.of("position", processor.getValue(), "waitingSince", waiting));
                }
            }
            if (!stalled.isEmpty()) {
                log.warn("Readiness: event processors stalled for more than {}: {}", stall, stalled);
                return Health.down().withDetail("stalled", stalled).build();
            }
            return Health.up().withDetail("positions", positions).build();
        });
    }

    /**
     * Dead letters of the application's processors (not partner deliveries: a partner's outage is not ours; nor
     * notification mail, which waits for a mail server: its letters show in the gauge and the admin API).
     */
    @Bean
    HealthIndicator deadLettersHealthIndicator(ProjectionDeadLetters deadLetters,
                                               @Value("${careloop.health.dead-letters-down:true}") boolean down) {
        return new BoundedCheck("deadLetters", CHECK_LIMIT, unanswered, () -> {
            Map<String, Long> counts = new LinkedHashMap<>(deadLetters.counts());
            counts.values().removeIf(count -> count == 0);
            counts.remove(NOTIFICATION_MAIL);
            if (counts.isEmpty() || !down) {
                return Health.up().withDetail("deadLetters", counts).build();
            }
            log.warn("Readiness: dead letters wait in {}", counts);
            return Health.down().withDetail("deadLetters", counts).build();
        });
    }

    /** The heap's long-lived pools as the last collection left them: above the threshold, the next request may fail. */
    @Bean
    HealthIndicator heapHealthIndicator(@Value("${careloop.health.heap-after-gc-limit:0.95}") double limit) {
        return () -> {
            Map<String, Object> usage = new TreeMap<>();
            boolean exhausted = false;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                MemoryUsage afterGc = pool.getType() == MemoryType.HEAP && pool.isCollectionUsageThresholdSupported()
                        ? pool.getCollectionUsage() : null;
                // Eden and survivor spaces are full or empty by design; only the pools objects grow old in count.
                if (afterGc == null || afterGc.getMax() <= 0 || pool.getName().contains("Eden")
                        || pool.getName().contains("Survivor")) {
                    continue;
                }
                double used = (double) afterGc.getUsed() / afterGc.getMax();
                usage.put(pool.getName(), Math.round(used * 1000) / 10.0);
                exhausted |= used > limit;
            }
            if (exhausted) {
                log.warn("Readiness: heap usage after garbage collection above {} %: {}", limit * 100, usage);
                return Health.down().withDetail("usedAfterGcPercent", usage).build();
            }
            return Health.up().withDetail("usedAfterGcPercent", usage).build();
        };
    }

    @Bean
    MeterBinder deadLetterGauges(ProjectionDeadLetters deadLetters) {
        return registry -> {
            for (String group : deadLetters.groups()) {
                Gauge.builder("careloop.dead.letters", deadLetters, d -> d.recentCounts().getOrDefault(group, 0L))
                        .tag("group", group)
                        .description("Events of the processing group waiting in its dead-letter queue")
                        .register(registry);
            }
        };
    }

    private static long head(JdbcTemplate jdbc) {
        Long head = jdbc.queryForObject("SELECT coalesce(max(global_index), 0) FROM domain_event_entry", Long.class);
        return head == null ? 0 : head;
    }

    /** The lowest position each processor's segments have reached (-1: a segment that has handled nothing yet). */
    private static Map<String, Long> positions(JdbcTemplate jdbc, Serializer serializer,
                                               Map<ProjectionCommits.Key, TrackingToken> heldHere,
                                               List<String> processors) {
        Map<String, Long> positions = new TreeMap<>();
        if (processors.isEmpty()) {
            return positions;
        }
        jdbc.query("SELECT processor_name, segment, token, token_type FROM token_entry WHERE processor_name = ANY(?)",
                rs -> {
            byte[] bytes = rs.getBytes(3);
            String type = rs.getString(4);
            long position = -1;
            TrackingToken kept = heldHere.get(new ProjectionCommits.Key(rs.getString(1), rs.getInt(2)));
            if (kept != null) {
                position = kept.position().orElse(-1);
            } else if (bytes != null && type != null) {
                TrackingToken token = serializer.deserialize(
                        new SimpleSerializedObject<>(bytes, byte[].class, type, null));
                position = token == null ? -1 : token.position().orElse(-1);
            }
            positions.merge(rs.getString(1), position, Math::min);
        }, (Object) processors.toArray(String[]::new));
        return positions;
    }

    /** When the first event after the position was stored; null when there is none. */
    private static Instant firstEventAfter(JdbcTemplate jdbc, long position) {
        List<String> stored = jdbc.queryForList("SELECT time_stamp FROM domain_event_entry WHERE global_index > ? "
                + "ORDER BY global_index LIMIT 1", String.class, position);
        if (stored.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(stored.get(0));
        } catch (DateTimeParseException e) {
            return OffsetDateTime.parse(stored.get(0)).toInstant();
        }
    }
}
