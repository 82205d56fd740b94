package dev.careloop.bench;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP floor: closed-loop clients posting a referral's body to {@code POST /api/bench/floor} as northside-gp,
 * which CareLoop answers through the same Tomcat, security filter chain and Jackson as a command, with one row
 * inserted and committed and nothing else. No HTTP command API on this machine can beat it.
 */
final class FloorLoad {

    static final String REQUEST = "POST /api/bench/floor";

    record Result(int clients, Latencies.Summary summary, Costs.PerOp costs, long errors, List<String> firstErrors) {
    }

    private final Options options;
    private final CareLoopClient client;
    private final Costs costs;

    FloorLoad(Options options, Costs costs) {
        this.options = options;
        this.client = new CareLoopClient(options.baseUrl());
        this.costs = costs;
    }

    Result run(int clients) throws IOException, InterruptedException {
        client.requireHealthy();
        String token = client.token(CareLoopClient.INITIATOR, options.secret());
        CareLoopClient.Reply probe = client.floor(token);
        if (probe.status() != 201) {
            throw new IllegalStateException(REQUEST + " answered " + probe.status() + " " + probe.body()
                    + ": start the app with CARELOOP_BENCH_FLOOR=true, or pass --skip-floor");
        }
        emptyTheTable();
        Errors errors = new Errors();
        Window window = Window.startingNow(Duration.ofSeconds(options.warmupSeconds()),
                Duration.ofSeconds(options.seconds()));
        Costs.Watch watch = costs.watch(window);
        List<Latencies> perThread = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Latencies latencies = new Latencies();
            perThread.add(latencies);
            threads.add(new Thread(() -> postUntilEnd(token, window, latencies, errors), "floor-" + i));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        Latencies all = new Latencies();
        perThread.forEach(all::add);
        return new Result(clients, all.summary(window.measuredSeconds()), watch.perOp(all.count()), errors.count(),
                errors.first());
    }

    private void postUntilEnd(String token, Window window, Latencies latencies, Errors errors) {
        try {
            while (window.running()) {
                long start = System.nanoTime();
                CareLoopClient.Reply reply;
                try {
                    reply = client.floor(token);
                } catch (IOException e) {
                    errors.add(REQUEST, e);
                    Pause.afterError();
                    continue;
                }
                long end = System.nanoTime();
                if (reply.status() != 201) {
                    errors.add(REQUEST + " -> " + reply.status() + " " + reply.body());
                    Pause.afterError();
                } else if (window.counts(end)) {
                    latencies.record(start, end);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Each run starts from an empty table, as the raw baseline does; a server without it (another database) is fine. */
    private void emptyTheTable() {
        try (Connection c = DriverManager.getConnection(options.jdbcUrl()); Statement st = c.createStatement()) {
            st.execute("TRUNCATE bench_floor_event");
        } catch (SQLException e) {
            // the app writes to another database than --jdbc-url names: its table just grows
        }
    }
}
