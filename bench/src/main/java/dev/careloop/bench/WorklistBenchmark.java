package dev.careloop.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How fast one organisation's worklist answers when its inbox holds {@code --referrals} referrals: the REST list
 * ({@code GET /api/referrals?box=inbox&open=true&sort=due&size=20}, with and without a search by patient name)
 * next to the SQL that backs it, run straight on the same PostgreSQL (the count and the page, as ReferralReadModel
 * issues them). One client, one request at a time: this is latency, not throughput. The inbox is first grown over
 * the API (northside-gp sends referrals to riverside-derm for patients named from 100 surnames).
 */
public final class WorklistBenchmark {

    static final double TARGET_P95_MILLIS = 150;
    static final String ORGANISATION = "riverside-derm";
    private static final String[] GIVEN = {"Alex", "Sam", "Jo", "Priya", "Tom", "Ada", "Noor", "Liam", "Mei", "Ola",
            "Ines", "Ravi", "Kofi", "Lena", "Omar", "Zoe", "Ivan", "Ama", "Yuki", "Ben"};
    static final String[] SURNAMES = surnames();
    private static final String[] PRIORITIES = {"routine", "routine", "routine", "urgent", "asap", "stat"};
    static final String[] CLOSED = {"cancelled", "completed", "declined"};

    private final CareLoopClient client;
    private final String jdbcUrl;
    private final int referrals;
    private final int clients;
    private final int iterations;
    private final int warmup;
    private final Path out;

    private WorklistBenchmark(Map<String, String> options) {
        client = new CareLoopClient(java.net.URI.create(options.getOrDefault("base-url", "http://localhost:8080")));
        jdbcUrl = options.getOrDefault("jdbc-url", "jdbc:postgresql://127.0.0.1:54329/postgres?user=postgres");
        referrals = Integer.parseInt(options.getOrDefault("referrals", "20000"));
        clients = Integer.parseInt(options.getOrDefault("clients", "8"));
        iterations = Integer.parseInt(options.getOrDefault("iterations", "400"));
        warmup = Integer.parseInt(options.getOrDefault("warmup", "50"));
        out = options.containsKey("out") ? Path.of(options.get("out")) : null;
    }

    static final String USAGE = """
            usage: bench/run.sh worklist [options]
              --base-url URL     running CareLoop (default http://localhost:8080)
              --jdbc-url URL     the PostgreSQL the app writes to (default
                                 jdbc:postgresql://127.0.0.1:54329/postgres?user=postgres)
              --referrals N      grow riverside-derm's inbox over the API to at least N referrals (default 20000)
              --clients N        client threads that grow it (default 8)
              --iterations N     measured requests per query (default 400), after --warmup N (default 50)
              --out FILE         also append the result as markdown to FILE
            """;

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Options.pairs(args, USAGE);
        new WorklistBenchmark(options).run(args);
    }

    private void run(String[] args) throws Exception {
        client.requireHealthy();
        Instant startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        grow(client, jdbcUrl, referrals, clients);
        String token = client.token(CareLoopClient.RECIPIENT, "demo-secret");
        long inbox;
        String server;
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement st = c.createStatement()) {
            inbox = count(c);
            server = describeServer(st);
        }
        progress("riverside-derm's inbox holds %d referrals; measuring", inbox);

        Latencies apiPage = new Latencies();
        Latencies apiSearch = new Latencies();
        Latencies sqlPage = new Latencies();
        Latencies sqlSearch = new Latencies();
        long matched = 0;
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            for (int i = 0; i < warmup + iterations; i++) {
                String surname = SURNAMES[i % SURNAMES.length];
                boolean measured = i >= warmup;
                api(token, "", measured ? apiPage : null);
                api(token, "&q=" + surname, measured ? apiSearch : null);
                sql(c, null, measured ? sqlPage : null);
                long found = sql(c, surname.toLowerCase(Locale.ROOT), measured ? sqlSearch : null);
                matched += measured ? found : 0;
            }
        }
        String command = System.getProperty("bench.command", "java " + WorklistBenchmark.class.getName() + " "
                + String.join(" ", Arrays.stream(args).map(Report::shellQuote).toList()));
        String report = markdown(startedAt, command, server, client.describeAppJvm("demo-secret"), inbox,
                matched / iterations, apiPage, sqlPage, apiSearch, sqlSearch);
        System.out.println();
        System.out.print(report);
        if (out != null) {
            Files.writeString(out, "\n" + report, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            progress("appended to %s", out);
        }
    }

    /** Sends referrals to riverside-derm until its inbox holds {@code referrals}; every 10th is then declined. */
    static void grow(CareLoopClient client, String jdbcUrl, int referrals, int clients) throws Exception {
        long now;
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            now = count(c);
        }
        if (now >= referrals) {
            return;
        }
        progress("growing riverside-derm's inbox from %d to %d referrals over the API with %d clients", now,
                referrals, clients);
        String gp = client.token(CareLoopClient.INITIATOR, "demo-secret");
        String derm = client.token(CareLoopClient.RECIPIENT, "demo-secret");
        AtomicLong left = new AtomicLong(referrals - now);
        AtomicLong failures = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Thread t = new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                try {
                    long n;
                    while ((n = left.getAndDecrement()) > 0 && failures.get() < 10) {
                        String name = GIVEN[random.nextInt(GIVEN.length)] + " "
                                + SURNAMES[random.nextInt(SURNAMES.length)];
                        CareLoopClient.Reply sent = client.sendReferral(gp, name,
                                PRIORITIES[random.nextInt(PRIORITIES.length)]);
                        if (sent.status() != 201) {
                            failures.incrementAndGet();
                            System.err.println("[bench] " + sent.status() + " " + sent.body());
                        } else if (n % 10 == 0) {
                            // Some closed ones, which open=true leaves out.
                            client.decline(derm, CareLoopClient.referralId(sent), sent.etag());
                        }
                        if (n % 1000 == 0) {
                            progress("%d left", n);
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
            throw new IllegalStateException(failures.get() + " requests failed while growing the inbox");
        }
        // The last writes answered once their rows were projected (read-your-writes): the inbox is complete.
    }

    private void api(String token, String search, Latencies latencies) throws Exception {
        long start = System.nanoTime();
        CareLoopClient.Reply reply = client.get(token, "/api/referrals?box=inbox&open=true&sort=due&size=20" + search);
        long end = System.nanoTime();
        if (reply.status() != 200) {
            throw new IllegalStateException("the inbox answered " + reply.status() + " " + reply.body());
        }
        if (latencies != null) {
            latencies.record(start, end);
        }
    }

    /**
     * The SQL behind the same page (ReferralReadModel.list): the count, then the first 20 rows by due date, soonest
     * first. Answers the count.
     */
    static long sql(Connection c, String word, Latencies latencies) throws SQLException {
        String where = "recipient_org = ? AND NOT (status = ANY(?))" + (word == null ? ""
                : " AND search_tokens @> ?::text[]");
        long start = System.nanoTime();
        long total;
        try (PreparedStatement count = c.prepareStatement("SELECT count(*) FROM referral_view WHERE " + where);
             PreparedStatement page = c.prepareStatement("SELECT * FROM referral_view WHERE " + where
                     + " ORDER BY sla_due_at ASC NULLS LAST, referral_id LIMIT 20 OFFSET 0")) {
            for (PreparedStatement st : List.of(count, page)) {
                st.setString(1, ORGANISATION);
                st.setArray(2, c.createArrayOf("text", CLOSED));
                if (word != null) {
                    st.setArray(3, c.createArrayOf("text", new String[]{word}));
                }
            }
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                total = rs.getLong(1);
            }
            try (ResultSet rs = page.executeQuery()) {
                while (rs.next()) {
                    rs.getString("referral_id");
                    rs.getString("patient_name");
                }
            }
        }
        long end = System.nanoTime();
        if (latencies != null) {
            latencies.record(start, end);
        }
        return total;
    }

    static long count(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT count(*) FROM referral_view WHERE recipient_org = ?")) {
            st.setString(1, ORGANISATION);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private String markdown(Instant startedAt, String command, String server, String appJvm, long inbox,
                            long matchedPerSearch, Latencies apiPage, Latencies sqlPage, Latencies apiSearch,
                            Latencies sqlSearch) {
        StringBuilder md = new StringBuilder();
        md.append("### Worklist run of ").append(startedAt).append("\n\n");
        md.append("| | |\n| --- | --- |\n");
        md.append("| machine | ").append(Runtime.getRuntime().availableProcessors()).append(" cores (nproc) |\n");
        md.append("| database | ").append(server).append(" |\n");
        md.append("| app | ").append(appJvm).append(" |\n");
        md.append("| inbox | ").append(inbox).append(" referrals of ").append(ORGANISATION).append("; a search "
                + "by surname matches about ").append(matchedPerSearch).append(" open ones |\n\n");
        md.append("| query (").append(iterations).append(" measured, one at a time) | p50 | p95 | max | ratio p95 "
                + "API / SQL |\n| --- | ---: | ---: | ---: | ---: |\n");
        row(md, "`GET /api/referrals?box=inbox&open=true&sort=due&size=20`", apiPage, sqlPage);
        row(md, "the SQL behind it (count + page)", sqlPage, null);
        row(md, "... `&q=<surname>`", apiSearch, sqlSearch);
        row(md, "the SQL behind it (count + page)", sqlSearch, null);
        double worst = Math.max(apiPage.percentileMillis(95), apiSearch.percentileMillis(95));
        target(md, worst, command);
        return md.toString();
    }

    /** The target line (met or not, by the worst p95) and the command that produced the figures. */
    static void target(StringBuilder md, double worst, String command) {
        md.append("\nTarget: the inbox page under ").append((int) TARGET_P95_MILLIS).append(" ms at p95, search "
                + "included: ").append(worst < TARGET_P95_MILLIS ? "met" : "not met").append(String.format(
                Locale.ROOT, " (worst p95 %.1f ms)", worst)).append(".\n\n");
        md.append("Command: `").append(command).append("`\n");
    }

    /** A table row: p50, p95, max, and the p95 as a ratio to the baseline p95 (none for a baseline row). */
    static void row(StringBuilder md, String what, Latencies l, Latencies baseline) {
        md.append("| ").append(what).append(String.format(Locale.ROOT, " | %.1f ms | %.1f ms | %.1f ms | ",
                l.percentileMillis(50), l.percentileMillis(95), l.summary(1).maxMillis()))
                .append(baseline == null ? "" : String.format(Locale.ROOT, "%.1f",
                        l.percentileMillis(95) / baseline.percentileMillis(95))).append(" |\n");
    }

    static String describeServer(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT current_setting('server_version')")) {
            rs.next();
            return "PostgreSQL " + rs.getString(1);
        }
    }

    /** 100 surnames, each made of two syllables, so a search by one matches about 1 % of the inbox. */
    private static String[] surnames() {
        String[] first = {"Ash", "Brook", "Calder", "Dun", "Elm", "Fair", "Glen", "Har", "Iver", "Kings"};
        String[] second = {"ford", "ley", "wood", "by", "ton", "well", "more", "ham", "field", "worth"};
        List<String> names = new ArrayList<>();
        for (String a : first) {
            for (String b : second) {
                names.add(a + b);
            }
        }
        return names.toArray(String[]::new);
    }

    static void progress(String format, Object... values) {
        System.err.printf("[bench] " + format + "%n", values);
    }
}
