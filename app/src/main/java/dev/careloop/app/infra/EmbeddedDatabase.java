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
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * With no CARELOOP_DB_URL, CareLoop runs its own PostgreSQL (real binaries from Maven) with its data in
 * {@code careloop.data-dir}, so that what a user did is still there after a restart.
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
                                      @Value("${careloop.embedded-db-ephemeral:false}") boolean ephemeral)
            throws IOException {
        Files.createDirectories(dataDir);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                // Ephemeral (tests): a fresh cluster, deleted again on close.
                .setCleanDataDirectory(ephemeral)
                .setRegisterShutdownHook(false)
                .setServerConfig("max_connections", "100")
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on");
        if (port > 0) {
            builder.setPort(port);
        }
        EmbeddedPostgres postgres = builder.start();
        log.info("Embedded PostgreSQL on port {} with data in {}", postgres.getPort(), dataDir.toAbsolutePath());
        return postgres;
    }

    @Bean(destroyMethod = "close")
    DataSource dataSource(EmbeddedPostgres postgres,
                          @Value("${spring.datasource.hikari.maximum-pool-size:20}") int poolSize,
                          @Value("${spring.datasource.hikari.connection-timeout:PT5S}") Duration connectionTimeout) {
        return ExternalDatabase.pool("careloop-embedded", postgres.getJdbcUrl("postgres", "postgres"), "postgres",
                null, poolSize, connectionTimeout);
    }
}
