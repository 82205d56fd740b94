package dev.careloop.query;

import dev.careloop.plumbing.DriverSettings;
import dev.careloop.query.privacy.ClinicalTexts;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import dev.careloop.query.replay.JdbcStores;
import dev.careloop.query.replay.Stores;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One real PostgreSQL for all projection tests of this module (started once per test JVM), with this module's
 * migrations applied, and a way to feed events to projections through Axon's own handler resolution.
 * Public because the tests of every read-model package share it.
 */
public final class ReadModelDatabase {

    public static final ObjectMapper JSON = JsonMapper.builder().build();

    /** Which event properties are clinical text: one scan of the API for every test. */

    public static final ClinicalTexts CLINICAL_TEXTS = new ClinicalTexts();

    private static JdbcTemplate jdbc;

    private ReadModelDatabase() {
    }

    /** The shared database; the caller empties the tables it uses (each test starts from nothing). */
    /** The journal the timeline and history projections write through, on this database. */
    public static EventJournal journal() {
        return new EventJournal(JSON, CLINICAL_TEXTS);
    }

    /** The live stores of this database, as the projections write through them. */
    public static Stores stores() {
        return new JdbcStores(jdbc());
    }

    public static synchronized JdbcTemplate jdbc() {
        if (jdbc == null) {
            try {
                // Zonky's shutdown hook stops the server and deletes its data when the test JVM exits.
                EmbeddedPostgres postgres = EmbeddedPostgres.start();
                // Pooled and sending batches as the application's connections do (DriverSettings): zonky's own
                // data source opens a connection (a new server process) for every statement, which made this
                // module's tests wait mostly on forks.
                HikariDataSource dataSource = new HikariDataSource();
                dataSource.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
                dataSource.setUsername("postgres");
                dataSource.setMaximumPoolSize(8);
                dataSource.setMinimumIdle(0);
                dataSource.setPoolName("read-model-tests");
                dataSource.setDataSourceProperties(DriverSettings.properties());
                Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
                jdbc = new JdbcTemplate(dataSource);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return jdbc;
    }

    /** Delivers events the way a processor does: each projection's @EventHandler chosen by Axon. */
    public static final class Projections {
        private final List<AnnotationEventHandlerAdapter> handlers;

        public Projections(Object... projections) {
            handlers = Arrays.stream(projections).map(AnnotationEventHandlerAdapter::new).toList();
        }

        public void deliver(EventMessage<?>... events) {
            for (EventMessage<?> event : events) {
                for (AnnotationEventHandlerAdapter handler : handlers) {
                    try {
                        handler.handle(event);
                    } catch (Exception e) {
                        throw new IllegalStateException("projection failed on " + event.getPayloadType(), e);
                    }
                }
            }
        }

        public void reset() {
            handlers.forEach(AnnotationEventHandlerAdapter::prepareReset);
        }
    }

    /** An event as stored by the aggregate {@code id}: its sequence number and the actor's metadata. */
    public static DomainEventMessage<Object> event(String type, String id, long sequence, Object payload,
                                                   Map<String, ?> metaData) {
        return new GenericDomainEventMessage<>(type, id, sequence, payload, metaData);
    }
}
