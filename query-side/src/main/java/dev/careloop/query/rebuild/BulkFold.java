package dev.careloop.query.rebuild;

import com.zaxxer.hikari.HikariDataSource;
import org.axonframework.eventhandling.EventMessageHandler;
import org.axonframework.messaging.annotation.ClasspathHandlerDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The bulk part of a rebuild: fresh handlers of the groups on in-memory stores fold the whole log ({@link LogFold}),
 * and the rows are loaded into the shadow tables by {@value #LOADERS} loaders ({@link BulkStores}). Progress stops
 * short of the target until the rows are in.
 */
final class BulkFold {

    private static final Logger log = LoggerFactory.getLogger(BulkFold.class);
    private static final long KEY_REFRESH_NANOS = 20_000_000_000L;
    /** Connections taking the bulk load's COPYs side by side, each with a thread that writes their text. */
    private static final int LOADERS = 2;

    private final Rebuild rebuild;
    private final RebuildWiring wiring;
    private final FreshHandlers handlers;

    BulkFold(Rebuild rebuild, RebuildWiring wiring, FreshHandlers handlers) {
        this.rebuild = rebuild;
        this.wiring = wiring;
        this.handlers = handlers;
    }

    /** Folds the log through the groups' handlers into the shadow tables; {@code reportProgress} when it alone tells it. */
    LogFold.Result fold(List<String> groups, boolean reportProgress) throws Exception {
        DataSource dataSource = wiring.jdbc().getDataSource();
        List<Connection> connections = new ArrayList<>();
        try {
            for (int i = 0; i <= LOADERS; i++) {
                connections.add(dataSource.getConnection());
                toShadow(connections.get(i));
            }
            BulkStores stores = new BulkStores(connections.get(0), connections.subList(1, connections.size()));
            try {
                List<EventMessageHandler> adapters = new ArrayList<>();
                for (String group : groups) {
                    // Axon's own handler enhancers, without the Spring-configured time limit: that schedules a
                    // watchdog task around every handler call, a cost per event the one-thread fold need not pay.
                    adapters.addAll(wiring.adapters(handlers.onStores(group, stores),
                            ClasspathHandlerDefinition::forClass));
                }
                LogFold fold = new LogFold(dataSource, wiring.axon().eventSerializer(), wiring.axon().upcasterChain(),
                        rebuild.segments);
                long target = rebuild.view().headPosition();
                // Patients' keys in one query rather than a round trip per patient, renewed before they expire.
                long start = System.nanoTime();
                long[] keysAt = {start};
                wiring.prefetchKeys();
                LogFold.Result result = fold.fold(adapters, position -> {
                    if (reportProgress) {
                        rebuild.progressed(Math.min(position, target - 1), wiring.head());
                    }
                    if (System.nanoTime() - keysAt[0] > KEY_REFRESH_NANOS) {
                        wiring.prefetchKeys();
                        keysAt[0] = System.nanoTime();
                    }
                });
                long folded = System.nanoTime();
                long rows = stores.finish();
                log.info("Rebuild {}: folded {} events in {} ms, then loaded {} rows in {} ms", rebuild.id,
                        result.events(), (folded - start) / 1_000_000, rows, (System.nanoTime() - folded) / 1_000_000);
                return result;
            } finally {
                stores.close();
            }
        } finally {
            connections.forEach(connection -> backToPool(dataSource, connection));
        }
    }

    /** A connection of the bulk load, on the shadow tables first, committing without waiting for the disk. */
    private static void toShadow(Connection connection) throws SQLException {
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement()) {
            // A crash loses nothing that matters: a failed rebuild drops the shadow schema.
            statement.execute("SET search_path TO " + ShadowTables.SHADOW + ", public; "
                    + "SET synchronous_commit TO off");
        }
    }

    /** The connection back to the pool as it came; one that cannot be reset is broken, and is closed for good. */
    private static void backToPool(DataSource pool, Connection connection) {
        try (connection; Statement statement = connection.createStatement()) {
            statement.execute("RESET search_path; RESET synchronous_commit");
        } catch (SQLException e) {
            log.warn("A rebuild's connection could not be reset, so it is not reused", e);
            try {
                if (pool.isWrapperFor(HikariDataSource.class)) {
                    pool.unwrap(HikariDataSource.class).evictConnection(connection);
                }
            } catch (SQLException notAPool) {
                // Not pooled: closed for good already.
            }
        }
    }
}
