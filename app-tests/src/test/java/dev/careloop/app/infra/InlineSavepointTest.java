package dev.careloop.app.infra;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.careloop.app.CareLoopApplication;
import dev.careloop.app.CareLoopClient;
import dev.careloop.app.DemoClinics;
import dev.careloop.api.referral.ReferralSent;
import dev.careloop.query.InlineProjection;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.careloop.app.DemoClinics.DERM;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The inline projections' handlers share one savepoint per command (InlineSavepoint): the first takes it, none
 * releases it (PostgreSQL drops it at commit), where each handler used to take one of its own and release it, two
 * round trips per handler and event on the request's path. Counted at the JDBC connection: the savepoint statements
 * issued while a command sent over HTTP is handled (its unit of work's root is the command), not the processors'.
 * Its own context: its pool hands out counted connections.
 */
@SpringBootTest(classes = {CareLoopApplication.class, InlineSavepointTest.CountedSavepoints.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles({"local", "test"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class InlineSavepointTest {

    @LocalServerPort
    int port;
    @Autowired
    SavepointStatements statements;
    @Autowired
    ConnectionBreaker breaker;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aSendTakesOneSavepointForItsInlineProjectionsAndReleasesNone() {
        var gp = DemoClinics.at(port).gp();

        statements.clear();
        var sent = gp.post("/api/referrals", CareLoopClient.referralTo(DERM, "MRN-SAVEPOINT-1"));

        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        assertThat(sent.json().get("status").asString()).as("the view, written inline").isEqualTo("created");
        System.out.println("Savepoint statements on the send's path: " + statements.onTheCommandsPath());
        assertThat(statements.onTheCommandsPath()).containsExactly("SAVEPOINT");
    }

    @Test
    void anAcceptTakesOneSavepointForItsInlineProjectionsAndReleasesNone() {
        var gp = DemoClinics.at(port).gp();
        var derm = DemoClinics.at(port).derm();
        String id = gp.post("/api/referrals", CareLoopClient.referralTo(DERM, "MRN-SAVEPOINT-2"))
                .json().get("referralId").asString();

        statements.clear();
        var accepted = derm.post("/api/referrals/" + id + "/accept", null);

        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
        assertThat(accepted.json().get("status").asString()).isEqualTo("accepted");
        System.out.println("Savepoint statements on the accept's path: " + statements.onTheCommandsPath());
        assertThat(statements.onTheCommandsPath()).containsExactly("SAVEPOINT");
    }

    @Test
    void aSavepointThatCannotBeRolledBackToFailsItsCommandWhichCommitsNothing() {
        var gp = DemoClinics.at(port).gp();
        long events = jdbc.queryForObject("SELECT count(*) FROM domain_event_entry", Long.class);

        // An inline handler's failure takes the connection with it: its transaction's state is unknown, the command
        // is answered 503 with Retry-After, and the client (Apache HttpClient) sends it again, which succeeds.
        statements.clear();
        breaker.arm();
        var sent = gp.post("/api/referrals", CareLoopClient.referralTo(DERM, "MRN-SAVEPOINT-3"));

        assertThat(statements.onTheCommandsPath()).as("the failed attempt, then the retry")
                .containsExactly("SAVEPOINT", "ROLLBACK TO SAVEPOINT", "SAVEPOINT");
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        // One referral sent, one event: the failed attempt committed nothing.
        assertThat(jdbc.queryForObject("SELECT count(*) FROM domain_event_entry", Long.class)).isEqualTo(events + 1);
    }

    /** The savepoint statements issued in a unit of work whose root is a command (sent over HTTP), in order. */
    static final class SavepointStatements {
        private final List<String> onTheCommandsPath = new CopyOnWriteArrayList<>();

        void clear() {
            onTheCommandsPath.clear();
        }

        List<String> onTheCommandsPath() {
            return List.copyOf(onTheCommandsPath);
        }

        void issued(String statement) {
            // A command of the process manager nests in its processor's batch (an event at the root): not counted.
            if (CurrentUnitOfWork.isStarted() && CurrentUnitOfWork.get().root().getMessage() instanceof CommandMessage) {
                onTheCommandsPath.add(statement);
            }
        }

        Connection counted(Connection connection) {
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[]{Connection.class}, (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "equals" -> {
                                return proxy == args[0];
                            }
                            case "hashCode" -> {
                                return System.identityHashCode(proxy);
                            }
                            case "setSavepoint" -> issued("SAVEPOINT");
                            case "releaseSavepoint" -> issued("RELEASE SAVEPOINT");
                            case "rollback" -> {
                                if (args != null && args.length == 1) {
                                    issued("ROLLBACK TO SAVEPOINT");
                                }
                            }
                            default -> {
                            }
                        }
                        try {
                            return method.invoke(connection, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class CountedSavepoints {

        @Bean
        static SavepointStatements savepointStatements() {
            return new SavepointStatements();
        }

        @Bean
        ConnectionBreaker connectionBreaker(JdbcTemplate jdbc) {
            return new ConnectionBreaker(jdbc);
        }

        /** The application's pool again, its connections counted (still a HikariDataSource, as LogNotifications needs). */
        @Bean
        static BeanPostProcessor countedConnections(SavepointStatements statements) {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    if (!(bean instanceof HikariDataSource pool) || bean instanceof CountedPool) {
                        return bean;
                    }
                    HikariConfig config = new HikariConfig();
                    pool.copyStateTo(config);
                    pool.close();
                    return new CountedPool(config, statements);
                }
            };
        }
    }

    static final class CountedPool extends HikariDataSource {
        private final SavepointStatements statements;

        CountedPool(HikariConfig config, SavepointStatements statements) {
            super(config);
            this.statements = statements;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return statements.counted(super.getConnection());
        }
    }

    /**
     * An inline projection of its own that, once armed, ends its own database session in the next referral's
     * transaction: the handler fails, and so does the rollback to the unit of work's savepoint.
     */
    static final class ConnectionBreaker implements InlineProjection {
        private final AtomicBoolean armed = new AtomicBoolean();
        private final JdbcTemplate jdbc;

        ConnectionBreaker(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        void arm() {
            armed.set(true);
        }

        @Override
        public String group() {
            return "connection-breaker";
        }

        @Override
        public List<Object> handlers() {
            return List.of(new Object() {
                @EventHandler
                void on(ReferralSent event) {
                    if (armed.getAndSet(false)) {
                        jdbc.execute("SELECT pg_terminate_backend(pg_backend_pid())");
                    }
                }
            });
        }
    }
}
