package dev.careloop.app.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.sql.DataSource;
import java.time.Duration;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * With no CARELOOP_DB_URL, CareLoop runs its own PostgreSQL (real binaries from Maven) with its data in
 * {@code careloop.data-dir}, so that what a user did is still there after a restart. A server left running by a
 * CareLoop that crashed is stopped first ({@link LeftoverPostmaster}); a start that cannot succeed says why in one
 * line ({@link EmbeddedDatabaseFailure}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${spring.datasource.url:}'.isEmpty()")
class EmbeddedDatabase {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    // Closed by Spring after the data source (which depends on it), not by zonky's own shutdown hook,
    // which would stop PostgreSQL while Axon's processors are still finishing.
    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(@Value("${careloop.data-dir}") Path dataDir,
                                      @Value("${careloop.embedded-db-port:0}") int port,
                                      @Value("${careloop.embedded-db-ephemeral:false}") boolean ephemeral,
                                      @Value("${careloop.embedded-db-start-timeout:PT120S}") Duration startTimeout) {
        return start(dataDir, port, ephemeral, startTimeout);
    }

    /**
     * Starts PostgreSQL on {@code dataDir}, first clearing what a crashed CareLoop left there, or throws an
     * {@link EmbeddedDatabaseFailure} that says in one line why it cannot.
     */
    static EmbeddedPostgres start(Path dataDir, int port, boolean ephemeral, Duration startTimeout) {
        Path directory = writableDirectory(dataDir);
        if (port > 0) {
            requireFree(port);
        }
        LeftoverPostmaster.clear(directory, Duration.ofSeconds(30));
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(directory)
                // Ephemeral (tests): a fresh cluster, deleted again on close.
                .setCleanDataDirectory(ephemeral)
                .setRegisterShutdownHook(false)
                // Not zonky's 10 s: on a loaded machine opening a large data directory takes longer.
                .setPGStartupWait(startTimeout)
                .setServerConfig("max_connections", "100")
                // A commit is written to the operating system before it is acknowledged, always: a killed
                // PostgreSQL or CareLoop loses nothing acknowledged. A kept cluster is also flushed to the disk on
                // every commit (it must survive the machine); an ephemeral one (tests) is deleted on close, so it
                // need not outlive a power cut, and its commits do not wait for the disk.
                .setServerConfig("fsync", ephemeral ? "off" : "on")
                .setServerConfig("full_page_writes", ephemeral ? "off" : "on")
                .setServerConfig("synchronous_commit", "on");
        if (port > 0) {
            builder.setPort(port);
        }
        try {
            EmbeddedPostgres postgres = builder.start();
            log.info("Embedded PostgreSQL on port {} with data in {}", postgres.getPort(), directory);
            return postgres;
        } catch (IOException | RuntimeException e) {
            // zonky leaves the server it launched running when it gives up waiting for it: stop it now, so the
            // next start is not locked out.
            try {
                LeftoverPostmaster.clear(directory, Duration.ofSeconds(30));
            } catch (RuntimeException cleanupFailed) {
                e.addSuppressed(cleanupFailed);
            }
            String why = rootMessage(e);
            if (why.contains("Gave up waiting")) {
                throw new EmbeddedDatabaseFailure("PostgreSQL did not accept connections within " + startTimeout
                        + " on " + directory, "Give it longer with CARELOOP_EMBEDDED_DB_START_TIMEOUT (e.g. PT300S); "
                        + "its own log lines above say what it was doing.", e);
            }
            throw new EmbeddedDatabaseFailure(why + " (data in " + directory + ")",
                    "PostgreSQL's own log lines above say more; CARELOOP_DB_URL runs CareLoop on another PostgreSQL.",
                    e);
        }
    }

    private static Path writableDirectory(Path dataDir) {
        Path directory = dataDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(directory);
        } catch (IOException | SecurityException e) {
            throw new EmbeddedDatabaseFailure("its data directory " + directory + " cannot be created ("
                    + rootMessage(e) + ")", "Set CARELOOP_DATA_DIR to a directory this user may write.", e);
        }
        if (!Files.isDirectory(directory) || !Files.isWritable(directory)) {
            throw new EmbeddedDatabaseFailure("its data directory " + directory + " is not a writable directory",
                    "Set CARELOOP_DATA_DIR to a directory this user may write.");
        }
        return directory;
    }

    private static void requireFree(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException taken) {
            throw new EmbeddedDatabaseFailure("port " + port + " is already in use",
                    "Free the port, or set CARELOOP_EMBEDDED_DB_PORT to another one (0: any free port).", taken);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message.strip();
    }

    @Bean(destroyMethod = "close")
    DataSource dataSource(EmbeddedPostgres postgres,
                          @Value("${spring.datasource.hikari.maximum-pool-size:20}") int poolSize,
                          @Value("${spring.datasource.hikari.connection-timeout:PT5S}") Duration connectionTimeout) {
        return ExternalDatabase.pool("careloop-embedded", postgres.getJdbcUrl("postgres", "postgres"), "postgres",
                null, poolSize, connectionTimeout);
    }
}
