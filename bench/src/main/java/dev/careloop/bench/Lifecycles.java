package dev.careloop.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/** How the benchmarks grow a log over the API: referrals sent, accepted and scheduled, on client threads. */
final class Lifecycles {

    private Lifecycles() {
    }

    /**
     * Runs {@code clients} threads that each send a referral as the initiator, accept it and schedule it as the
     * recipient, again and again while {@code more} says so (asked before each lifecycle); throws once all have
     * stopped if any request failed (each thread gives up after 10 failures in all).
     */
    static void run(CareLoopClient client, int clients, BooleanSupplier more) throws Exception {
        String gp = client.token(CareLoopClient.INITIATOR, "demo-secret");
        String derm = client.token(CareLoopClient.RECIPIENT, "demo-secret");
        AtomicLong failures = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Thread t = new Thread(() -> {
                try {
                    while (failures.get() < 10 && more.getAsBoolean()) {
                        CareLoopClient.Reply sent = client.sendReferral(gp);
                        String id = CareLoopClient.referralId(sent);
                        CareLoopClient.Reply accepted = sent.status() == 201
                                ? client.accept(derm, id, sent.etag()) : sent;
                        CareLoopClient.Reply scheduled = accepted.status() == 200
                                ? client.schedule(derm, id, accepted.etag()) : accepted;
                        if (scheduled.status() != 200) {
                            failures.incrementAndGet();
                            System.err.println("[bench] " + scheduled.status() + " " + scheduled.body());
                        }
                    }
                } catch (Exception e) {
                    failures.incrementAndGet();
                    System.err.println("[bench] " + e);
                }
            }, "grow-" + i);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " requests failed while growing the log");
        }
    }

    /** The head of the log: the highest global index in the event store (0 when it is empty). */
    static long head(String jdbcUrl) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT coalesce(max(global_index), 0) FROM domain_event_entry")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Once the head of the log has not moved for 3 s (the process manager's bookings come after the commands). */
    static long settle(String jdbcUrl) throws Exception {
        long head = head(jdbcUrl);
        while (true) {
            Thread.sleep(3000);
            long now = head(jdbcUrl);
            if (now == head) {
                return now;
            }
            head = now;
        }
    }
}
