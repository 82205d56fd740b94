package dev.careloop.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

class CostsTest {

    @Test
    void readsAProcessStatLineWhoseCommandHoldsSpacesAndParentheses() {
        String line = "4242 (postgres: a (b) c) S 17 4242 4242 0 -1 4194560 1 0 0 0 250 50 7 3 20 0 1 0 9 0 0";

        Costs.Proc.Stat stat = Costs.Proc.parse(line);

        assertThat(stat.command()).isEqualTo("postgres: a (b) c");
        assertThat(stat.parent()).isEqualTo(17);
        assertThat(stat.ownTicks()).isEqualTo(300);
        assertThat(stat.childrenTicks()).isEqualTo(10);
    }

    @Test
    void findsTheProcessListeningOnALocalPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(Costs.Proc.listeningOn(socket.getLocalPort())).isEqualTo(ProcessHandle.current().pid());
        }
    }

    @Test
    void dividesWhatTheServerDidInAWindowByTheOperations() {
        Costs.Snapshot from = new Costs.Snapshot(0, 100, 1_000, 2_000_000_000L, 50, 700, 10, 1_000_000);
        // 10 ticks of app CPU at 100 per second = 100 ms; the second snapshot's own txid_current() is not counted
        Costs.Snapshot to = new Costs.Snapshot(0, 100 + 10 * Costs.Proc.TICKS_PER_SECOND / 100, 1_000, 2_050_000_000L,
                70, 721, 15, 1_010_000);

        Costs.PerOp perOp = Costs.perOp(from, to, 10);

        assertThat(perOp.appCpuMillis()).isEqualTo(10.0);
        assertThat(perOp.pgCpuMillis()).isZero();
        assertThat(perOp.clientCpuMillis()).isEqualTo(5.0);
        assertThat(perOp.commits()).isEqualTo(2.0);
        assertThat(perOp.xids()).isEqualTo(2.0);
        assertThat(perOp.walSyncs()).isEqualTo(0.5);
        assertThat(perOp.walBytes()).isEqualTo(1_000.0);
        assertThat(Costs.perOp(from, new Costs.Snapshot(0, -1, -1, -1, -1, -1, -1, -1), 10).appCpuMillis()).isNaN();
    }

    @Test
    void countsEachCommittedWriteAndItsWalOnALocalPostgres() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.start()) {
            String url = postgres.getJdbcUrl("postgres", "postgres");
            try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE t (id serial PRIMARY KEY, v text)");
            }
            try (Costs costs = new Costs(ProcessHandle.current().pid(), url)) {
                Costs.Snapshot from = costs.snapshot();
                try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
                    for (int i = 0; i < 20; i++) {
                        st.execute("INSERT INTO t (v) VALUES (repeat('x', 500))");
                    }
                }
                Thread.sleep(1_100); // backends report their transaction counts at most every 500 ms
                Costs.PerOp perOp = Costs.perOp(from, costs.snapshot(), 20);

                assertThat(costs.notes()).isEmpty();
                assertThat(perOp.xids()).isEqualTo(1.0);
                assertThat(perOp.commits()).isBetween(1.0, 1.5);
                assertThat(perOp.walBytes()).isGreaterThan(500);
                assertThat(perOp.pgCpuMillis()).isNotNaN().isNotNegative();
                assertThat(perOp.appCpuMillis()).isNotNaN();
                assertThat(perOp.walSyncs()).isNotNaN();
            }
        }
    }
}
