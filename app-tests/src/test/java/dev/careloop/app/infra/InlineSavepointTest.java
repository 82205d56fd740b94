package dev.careloop.app.infra;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.careloop.app.CareLoopApplication;
import dev.careloop.app.CareLoopClient;
import dev.careloop.app.DemoClinics;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

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
}
