package dev.careloop.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The partnership analytics of a network with {@code --referrals} referrals (issue 20): the dashboard
 * ({@code GET /api/partnerships}), a partnership's detail, the platform's network view and the "soonest seen"
 * ranking, over HTTP with demo tokens, next to the SQL behind each over JDBC; and what the analytics projection
 * costs per event when it rebuilds from the log, next to the referrals read model's rebuild.
 *
 * <p>The network is seeded straight into analytics_referral, analytics_month and analytics_pair_month with SQL, in
 * the shape the projection writes (a million referrals through the API would take days on this machine); the month
 * rows are computed from the referral rows by one statement, so each one is the sum over its referrals, as the
 * projection keeps it, and the roll-up per pair and month from the month rows by migration V57's statement.
 */
public final class AnalyticsBenchmark {

    static final double TARGET_P95_MILLIS = 200;
    static final String PREFIX = "bench-analytics-";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI baseUrl;
    private final CareLoopClient client;
    private final String jdbcUrl;
    private final int referrals;
    private final NetworkShape shape;
    private final int months;
    private final int lifecycles;
    private final int clients;
    private final int iterations;
    private final int warmup;
    private final int networkIterations;
    private final long appPid;
    private final Path out;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<String> timeouts = new ArrayList<>();

    private AnalyticsBenchmark(Map<String, String> options) {
        baseUrl = URI.create(options.getOrDefault("base-url", "http://127.0.0.1:8080"));
        client = new CareLoopClient(baseUrl);
        jdbcUrl = options.getOrDefault("jdbc-url", "jdbc:postgresql://127.0.0.1:54329/postgres?user=postgres");
        referrals = Integer.parseInt(options.getOrDefault("referrals", "1000000"));
        shape = NetworkShape.of(Integer.parseInt(options.getOrDefault("organisations", "50")),
                Integer.parseInt(options.getOrDefault("partners", "8")));
        months = Integer.parseInt(options.getOrDefault("months", "24"));
        lifecycles = Integer.parseInt(options.getOrDefault("lifecycles", "1000"));
        clients = Integer.parseInt(options.getOrDefault("clients", "8"));
        iterations = Integer.parseInt(options.getOrDefault("iterations", "200"));
        warmup = Integer.parseInt(options.getOrDefault("warmup", "30"));
        networkIterations = Integer.parseInt(options.getOrDefault("network-iterations", "20"));
        appPid = Long.parseLong(options.getOrDefault("app-pid", "0"));
        out = options.containsKey("out") ? Path.of(options.get("out")) : null;
    }

    static final String USAGE = """
            usage: bench/run.sh analytics [options]
              --base-url URL        running CareLoop (default http://127.0.0.1:8080)
              --jdbc-url URL        the PostgreSQL the app writes to (default
                                    jdbc:postgresql://127.0.0.1:54329/postgres?user=postgres)
              --referrals N         seed a network of N referrals into the analytics tables (default 1000000)
              --organisations N     among N organisations, the 3 demo ones first (default 50)
              --partners N          each sending to N others (default 8)
              --months N            sent over the last N months (default 24)
              --lifecycles K        the cost per event: first grow the log by K referrals sent, accepted and
                                    scheduled over the API, then rebuild analytics and referrals from it
                                    (default 1000; 0 leaves the rebuilds out)
              --clients N           client threads that grow the log (default 8)
              --iterations N        measured rounds of the four queries (default 200), after --warmup N (30)
              --network-iterations N  measured network views, after 3 unmeasured (default 20)
              --app-pid PID         the app's process for its CPU (default: the one listening on the port)
              --out FILE            also append the result as markdown to FILE
            """;

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Options.pairs(args, USAGE);
        new AnalyticsBenchmark(options).run(args);
    }

    /** One query measured: over HTTP and its SQL over JDBC, with the rows the SQL read. */
    static final class Query {
        final String name;
        final Latencies api = new Latencies();
        final Latencies sql = new Latencies();
        long rows;

        Query(String name) {
            this.name = name;
        }
    }

    /** One rebuild through the API, and what it cost. */
    record Rebuild(String group, long events, double replaySeconds, double requestToSwitchSeconds,
                   Costs.PerOp perEvent) {

        double eventsPerSecond() {
            return events / replaySeconds;
        }
    }

    private void run(String[] args) throws Exception {
        client.requireHealthy();
        Instant startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String loadAtStart = Costs.Proc.loadAverage();
        long pid = appPid > 0 ? appPid : Costs.Proc.listeningOn(baseUrl.getPort() < 0 ? 80 : baseUrl.getPort());
        List<Rebuild> rebuilds = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        // The rebuilds come first: rebuilding analytics writes its tables again from the log, which would take the
        // seeded network away.
        if (lifecycles > 0) {
            long grown = grow();
            long head = Lifecycles.settle(jdbcUrl);
            progress("the log holds %d events (%d lifecycles added); rebuilding", head, grown);
            String admin = client.token("careloop-admin", "demo-secret");
            try (Costs costs = new Costs(pid, jdbcUrl)) {
                for (String group : List.of("analytics", "referrals")) {
                    rebuilds.add(rebuild(admin, group, costs));
                }
                notes.addAll(costs.notes());
            }
        }
        Map<String, String> seeded = seed();
        String server;
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement st = c.createStatement()) {
            server = WorklistBenchmark.describeServer(st);
        }
        List<Query> queries = measure();
        notes.addAll(timeouts);
        String command = System.getProperty("bench.command", "java " + AnalyticsBenchmark.class.getName() + " "
                + String.join(" ", Arrays.stream(args).map(Report::shellQuote).toList()));
        String report = markdown(startedAt, command, server, client.describeAppJvm("demo-secret"), loadAtStart,
                seeded, queries, rebuilds, notes);
        System.out.println();
        System.out.print(report);
        if (out != null) {
            Files.writeString(out, "\n" + report, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            progress("appended to %s", out);
        }
    }

    // ---- the cost per event -------------------------------------------------------------------------------------

    /** K referrals sent, accepted and scheduled (each scheduling books an appointment): answers how many. */
    private long grow() throws Exception {
        progress("growing the log by %d referral lifecycles over the API with %d clients", lifecycles, clients);
        AtomicInteger left = new AtomicInteger(lifecycles);
        Lifecycles.run(client, clients, () -> left.getAndDecrement() > 0);
        return lifecycles;
    }

    /**
     * {@code POST /api/admin/rebuilds} of one group, polled until switched; the CPU of the app and PostgreSQL from the
     * request to the switch, per event replayed.
     */
    private Rebuild rebuild(String adminToken, String group, Costs costs) throws Exception {
        Costs.Snapshot from = costs.snapshot();
        HttpResponse<String> started = http.send(HttpRequest.newBuilder(baseUrl.resolve("/api/admin/rebuilds"))
                        .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(
                                Map.of("groups", List.of(group))))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (started.statusCode() != 202) {
            throw new IllegalStateException("POST /api/admin/rebuilds answered " + started.statusCode() + " "
                    + started.body());
        }
        URI location = baseUrl.resolve(started.headers().firstValue("Location").orElseThrow());
        JsonNode view;
        while (true) {
            Thread.sleep(100);
            view = JSON.readTree(http.send(HttpRequest.newBuilder(location)
                    .header("Authorization", "Bearer " + adminToken).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            String state = view.path("state").asText();
            if (state.equals("failed")) {
                throw new IllegalStateException("the rebuild of " + group + " failed: " + view);
            }
            if (state.equals("switched")) {
                break;
            }
        }
        Costs.Snapshot to = costs.snapshot();
        long events = view.path("replayedEvents").asLong();
        double requestToSwitch = java.time.Duration.between(Instant.parse(view.path("requestedAt").asText()),
                Instant.parse(view.path("switchedAt").asText())).toMillis() / 1000.0;
        Rebuild rebuild = new Rebuild(group, events, view.path("replaySeconds").asDouble(), requestToSwitch,
                Costs.perOp(from, to, events));
        progress("rebuilt %s: %d events in %.2f s (%.0f events/s), app CPU %.3f ms/event", group, events,
                rebuild.replaySeconds(), rebuild.eventsPerSecond(), rebuild.perEvent().appCpuMillis());
        return rebuild;
    }

    // ---- the seeded network -------------------------------------------------------------------------------------

    /**
     * The network's referrals into analytics_referral and their month rows into analytics_month, unless as many are
     * there already; answers what the report says of them.
     */
    private Map<String, String> seed() throws SQLException {
        Map<String, String> seeded = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            long present = scalar(c, "SELECT count(*) FROM analytics_referral WHERE referral_id LIKE '"
                    + PREFIX + "%'");
            if (present == referrals) {
                progress("the network's %d referrals are there already", present);
                seeded.put("referral rows", "present already");
            } else {
                c.setAutoCommit(false);
                try (Statement st = c.createStatement()) {
                    st.execute("DELETE FROM analytics_referral WHERE referral_id LIKE '" + PREFIX + "%'");
                }
                progress("seeding %d referrals among %d organisations over %d months", referrals,
                        shape.organisations().size(), months);
                long start = System.nanoTime();
                try (PreparedStatement st = c.prepareStatement(referralsSql())) {
                    Timestamp now = Timestamp.from(Instant.now());
                    st.setTimestamp(1, now);
                    st.setTimestamp(2, now);
                    st.setInt(3, referrals);
                    st.executeUpdate();
                }
                seeded.put("referral rows", String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - start) / 1e9));
                start = System.nanoTime();
                progress("summing them into month rows");
                try (Statement st = c.createStatement()) {
                    // Every month row again from every referral row (the app's own ones included): each is then
                    // the sum over its referrals, as the projection keeps it.
                    st.execute("DELETE FROM analytics_month");
                    st.execute(MONTHS_SQL);
                    st.execute("DELETE FROM analytics_pair_month");
                    st.execute(PAIR_MONTHS_SQL);
                }
                c.commit();
                c.setAutoCommit(true);
                seeded.put("month rows", String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - start) / 1e9));
                try (Statement st = c.createStatement()) {
                    st.execute("ANALYZE analytics_referral");
                    st.execute("ANALYZE analytics_month");
                    st.execute("ANALYZE analytics_pair_month");
                }
            }
            seeded.put("referrals", String.valueOf(scalar(c, "SELECT count(*) FROM analytics_referral")));
            seeded.put("months", String.valueOf(scalar(c, "SELECT count(*) FROM analytics_month")));
            long summed = scalar(c, "SELECT coalesce(sum(referrals), 0) FROM analytics_month");
            if (summed != Long.parseLong(seeded.get("referrals"))) {
                throw new IllegalStateException("the month rows count " + summed + " referrals, the referral rows "
                        + seeded.get("referrals"));
            }
            long rolledUp = scalar(c, "SELECT coalesce(sum(referrals), 0) FROM analytics_pair_month");
            if (rolledUp != summed) {
                throw new IllegalStateException("the pair month rows count " + rolledUp + " referrals, the month rows "
                        + summed);
            }
            seeded.put("pair months", String.valueOf(scalar(c, "SELECT count(*) FROM analytics_pair_month")));
            seeded.put("tables", scalarText(c, "SELECT pg_size_pretty(pg_total_relation_size('analytics_referral'))"
                    + " || ' and ' || pg_size_pretty(pg_total_relation_size('analytics_month'))"));
        }
        return seeded;
    }

    /**
     * One INSERT ... SELECT of the network's referrals. Parameters: the organisations, the services (flat), where
     * each specialty's start and how many, now, how many referrals. Each referral draws its sender, one of the
     * sender's partners, a service the recipient offers, a priority and its fate; its steps follow with exponential
     * waits whose means depend on the priority, and a step still in the future has not happened.
     */
    private String referralsSql() {
        int n = shape.organisations().size();
        return """
                INSERT INTO analytics_referral (referral_id, version, sender_org, recipient_org, service, priority,
                    sent_at, sla_due_at, accepted_at, declined_at, first_booked_at, seen_at, outcome_at,
                    acknowledged_at, cancelled_at, forwards, reschedules, no_shows, sla_missed, hold_started_at,
                    hold_seconds, decline_category, forward_categories, visits_cancelled, visits_cancelled_by_sender,
                    visits_cancelled_by_recipient, resend_key, resent_at, first_slot_at)
                SELECT '%1$s' || i,
                       1 + (triaged_at IS NOT NULL)::int + (booked_at IS NOT NULL)::int + (seen_at IS NOT NULL)::int
                         + (outcome_at IS NOT NULL)::int + (acknowledged_at IS NOT NULL)::int
                         + (cancelled_at IS NOT NULL)::int + forwards + reschedules + no_shows,
                       %7$s[s + 1], %7$s[r + 1], service, priority, sent_at, sla_due_at,
                       CASE WHEN NOT declines THEN triaged_at END, CASE WHEN declines THEN triaged_at END,
                       booked_at, seen_at, outcome_at, acknowledged_at, cancelled_at, forwards, reschedules, no_shows,
                       sla_due_at < now AND (triaged_at IS NULL OR triaged_at > sla_due_at),
                       NULL::timestamptz, hold_seconds,
                       CASE WHEN declines AND triaged_at IS NOT NULL THEN CASE WHEN u1 < 0.4 THEN 'not-our-service'
                            WHEN u1 < 0.7 THEN 'capacity' WHEN u1 < 0.9 THEN 'insufficient-information'
                            ELSE 'patient-choice' END END,
                       CASE WHEN forwards > 0 THEN CASE WHEN u2 < 0.6 THEN '{"not-our-service": 1}'
                            ELSE '{"capacity": 1}' END ELSE '{}' END::jsonb,
                       (cancelled_at IS NOT NULL AND booked_at IS NOT NULL)::int,
                       (cancelled_at IS NOT NULL AND booked_at IS NOT NULL AND u3 < 0.6)::int,
                       (cancelled_at IS NOT NULL AND booked_at IS NOT NULL AND u3 >= 0.6)::int,
                       encode(sha256(convert_to('%1$s' || i, 'UTF8')), 'hex'),
                       CASE WHEN u4 < 0.35 AND ended_at + u5 * interval '20 days' <= now
                            THEN ended_at + u5 * interval '20 days' END,
                       CASE WHEN booked_at IS NOT NULL THEN slot_at END
                FROM (
                  SELECT y0.*, CASE WHEN declines THEN triaged_at ELSE cancelled_at END AS ended_at,
                         CASE WHEN seen_at IS NOT NULL THEN no_show_draw ELSE 0 END AS no_shows,
                         CASE WHEN booked_at IS NOT NULL THEN reschedule_draw ELSE 0 END AS reschedules
                  FROM (
                    SELECT *, CASE WHEN seen_at IS NOT NULL AND outcome_raw <= now THEN outcome_raw END AS outcome_at,
                           CASE WHEN seen_at IS NOT NULL AND u7 < 0.88 AND outcome_raw + ack_wait <= now
                                THEN outcome_raw + ack_wait END AS acknowledged_at
                    FROM (
                      SELECT *, CASE WHEN booked_at IS NOT NULL AND NOT cancels AND slot_at + no_show_wait <= now
                                     THEN slot_at + no_show_wait END AS seen_at,
                             CASE WHEN cancels AND triaged_at IS NOT NULL AND NOT declines
                                  AND triaged_at + cancel_wait <= now THEN triaged_at + cancel_wait END
                                  AS cancelled_at,
                             slot_at + no_show_wait + outcome_wait AS outcome_raw
                      FROM (
                        SELECT *, CASE WHEN triaged_at IS NOT NULL AND NOT declines AND triaged_at + book_wait <= now
                                       THEN triaged_at + book_wait END AS booked_at,
                               triaged_at + book_wait + slot_wait AS slot_at
                        FROM (
                          SELECT *, CASE WHEN sent_at + triage_wait <= now THEN sent_at + triage_wait END
                                     AS triaged_at,
                                 sent_at + sla AS sla_due_at
                          FROM (
                            SELECT i, s, r, now, u1, u2, u3, u4, u5, u7, sent_at, priority,
                                   %8$s[%9$s[r %% 3 + 1] + 1 + least(%10$s[r %% 3 + 1] - 1,
                                       floor(u8 * %10$s[r %% 3 + 1])::int)] AS service,
                                   fate < 0.08 AS declines, fate >= 0.13 AND fate < 0.17 AS cancels,
                                   (fate >= 0.08 AND fate < 0.13)::int AS forwards,
                                   (u9 < 0.10)::int AS reschedule_draw, (u10 < 0.06)::int AS no_show_draw,
                                   CASE WHEN u11 < 0.07 THEN (-ln(1 - u12) * 172800)::bigint ELSE 0 END
                                       AS hold_seconds,
                                   CASE priority WHEN 'routine' THEN interval '14 days'
                                        WHEN 'urgent' THEN interval '3 days' WHEN 'asap' THEN interval '1 day'
                                        ELSE interval '4 hours' END AS sla,
                                   -ln(1 - u13) * CASE priority WHEN 'routine' THEN interval '96 hours'
                                        WHEN 'urgent' THEN interval '30 hours' WHEN 'asap' THEN interval '10 hours'
                                        ELSE interval '2 hours' END AS triage_wait,
                                   -ln(1 - u14) * interval '48 hours' AS book_wait,
                                   -ln(1 - u15) * CASE priority WHEN 'routine' THEN interval '28 days'
                                        WHEN 'urgent' THEN interval '10 days' WHEN 'asap' THEN interval '4 days'
                                        ELSE interval '1 day' END AS slot_wait,
                                   CASE WHEN u10 < 0.06 THEN interval '14 days' ELSE interval '0' END AS no_show_wait,
                                   u16 * interval '10 days' AS cancel_wait,
                                   -ln(1 - u17) * interval '5 days' AS outcome_wait,
                                   -ln(1 - u18) * interval '3 days' AS ack_wait
                            FROM (
                              SELECT i, s, (s + 1 + %3$d * floor(random() * %4$d)::int) %% %2$d AS r,
                                     ?::timestamptz AS now, %5$s AS priority, random() AS fate, random() AS u1,
                                     random() AS u2, random() AS u3, random() AS u4, random() AS u5, random() AS u7,
                                     random() AS u8, random() AS u9, random() AS u10, random() AS u11,
                                     random() AS u12, random() AS u13, random() AS u14, random() AS u15,
                                     random() AS u16, random() AS u17, random() AS u18, sent_at
                              FROM (SELECT i, floor(random() * %2$d)::int AS s, random() AS p,
                                           ?::timestamptz - random() * interval '%6$d days' AS sent_at
                                    FROM generate_series(1, ?) i) g
                            ) d
                          ) w
                        ) t
                      ) b
                    ) x
                  ) y0
                ) y
                """.formatted(PREFIX, n, shape.offset(1) - shape.offset(0), shape.partners(),
                NetworkShape.priorityCase("p"), months * 30, array(shape.organisations()),
                array(NetworkShape.flatServices()), intArray(NetworkShape.serviceStarts()),
                intArray(NetworkShape.serviceCounts()));
    }

    /** Our own identifiers as a SQL text[] literal (none holds a quote). */
    static String array(List<String> values) {
        return "(ARRAY[" + String.join(", ", values.stream().map(v -> "'" + v.replace("'", "''") + "'").toList())
                + "])";
    }

    static String intArray(List<Integer> values) {
        return "(ARRAY[" + String.join(", ", values.stream().map(String::valueOf).toList()) + "])";
    }

    /**
     * The month rows from the referral rows, as AnalyticsMonth.Counts.of and Turnarounds.of make them: counts, the
     * reason tallies and the seven histograms (bucket 0-71 whole hours, 72 and up whole days from 3 days).
     */
    static final String MONTHS_SQL = """
            WITH r AS (
              SELECT *, date_trunc('month', sent_at AT TIME ZONE 'UTC')::date AS month,
                     least(accepted_at, declined_at) AS triaged, least(declined_at, cancelled_at) AS ended
              FROM analytics_referral
            ), counts AS (
              SELECT sender_org, recipient_org, service, priority, month, count(*) AS referrals,
                     count(accepted_at) AS accepted, count(declined_at) AS declined,
                     count(*) FILTER (WHERE forwards > 0) AS forwarded, count(cancelled_at) AS cancelled,
                     count(first_booked_at) AS booked, count(seen_at) AS seen, count(outcome_at) AS outcomes,
                     count(acknowledged_at) AS acknowledged,
                     count(*) FILTER (WHERE triaged IS NOT NULL AND sla_due_at IS NOT NULL AND triaged <= sla_due_at)
                         AS sla_met,
                     count(*) FILTER (WHERE sla_missed) AS sla_missed, sum(no_shows) AS no_shows,
                     sum(reschedules) AS reschedules,
                     count(*) FILTER (WHERE hold_seconds > 0 OR hold_started_at IS NOT NULL) AS held,
                     sum(hold_seconds) AS hold_seconds, sum(visits_cancelled) AS visits_cancelled,
                     sum(visits_cancelled_by_sender) AS visits_cancelled_by_sender,
                     sum(visits_cancelled_by_recipient) AS visits_cancelled_by_recipient,
                     count(*) FILTER (WHERE ended IS NOT NULL AND resent_at IS NULL) AS leaked
              FROM r GROUP BY 1, 2, 3, 4, 5
            ), buckets AS (
              SELECT sender_org, recipient_org, service, priority, month, h.name, h.bucket, count(*) AS n
              FROM r CROSS JOIN LATERAL (VALUES
                  ('triage', accepted_at - sent_at), ('booked', first_booked_at - sent_at),
                  ('seen', seen_at - sent_at), ('outcome', outcome_at - sent_at),
                  ('acknowledge', acknowledged_at - outcome_at), ('closed', acknowledged_at - sent_at),
                  ('slot', first_slot_at - sent_at)) AS d(name, took)
              CROSS JOIN LATERAL (SELECT d.name, greatest(0, floor(extract(epoch FROM d.took) / 3600))::bigint AS hours)
                  AS hh
              CROSS JOIN LATERAL (SELECT hh.name, CASE WHEN hh.hours < 72 THEN hh.hours
                                                       ELSE 72 + hh.hours / 24 - 3 END AS bucket) AS h
              WHERE d.took IS NOT NULL
              GROUP BY 1, 2, 3, 4, 5, 6, 7
            ), hists AS (
              SELECT sender_org, recipient_org, service, priority, month, jsonb_object_agg(name, hist) AS h
              FROM (SELECT sender_org, recipient_org, service, priority, month, name,
                           jsonb_object_agg(bucket::text, n) AS hist
                    FROM buckets GROUP BY 1, 2, 3, 4, 5, 6) b
              GROUP BY 1, 2, 3, 4, 5
            ), declines AS (
              SELECT sender_org, recipient_org, service, priority, month, jsonb_object_agg(category, n) AS t
              FROM (SELECT sender_org, recipient_org, service, priority, month,
                           coalesce(decline_category, 'unspecified') AS category, count(*) AS n
                    FROM r WHERE declined_at IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6) d
              GROUP BY 1, 2, 3, 4, 5
            ), forwards AS (
              SELECT sender_org, recipient_org, service, priority, month, jsonb_object_agg(category, n) AS t
              FROM (SELECT sender_org, recipient_org, service, priority, month, f.key AS category,
                           sum(f.value::int) AS n
                    FROM r CROSS JOIN LATERAL jsonb_each_text(r.forward_categories) f
                    GROUP BY 1, 2, 3, 4, 5, 6) f
              GROUP BY 1, 2, 3, 4, 5
            )
            INSERT INTO analytics_month (sender_org, recipient_org, service, priority, month, referrals, accepted,
                declined, forwarded, cancelled, booked, seen, outcomes, acknowledged, sla_met, sla_missed, no_shows,
                reschedules, held, hold_seconds, triage_hist, booked_hist, seen_hist, outcome_hist, acknowledge_hist,
                closed_hist, visits_cancelled, visits_cancelled_by_sender, visits_cancelled_by_recipient, leaked,
                declined_by_category, forwarded_by_category, slot_hist)
            SELECT c.sender_org, c.recipient_org, c.service, c.priority, c.month, c.referrals, c.accepted, c.declined,
                   c.forwarded, c.cancelled, c.booked, c.seen, c.outcomes, c.acknowledged, c.sla_met, c.sla_missed,
                   c.no_shows, c.reschedules, c.held, c.hold_seconds,
                   coalesce(h.h -> 'triage', '{}'), coalesce(h.h -> 'booked', '{}'), coalesce(h.h -> 'seen', '{}'),
                   coalesce(h.h -> 'outcome', '{}'), coalesce(h.h -> 'acknowledge', '{}'),
                   coalesce(h.h -> 'closed', '{}'), c.visits_cancelled, c.visits_cancelled_by_sender,
                   c.visits_cancelled_by_recipient, c.leaked, coalesce(d.t, '{}'), coalesce(f.t, '{}'),
                   coalesce(h.h -> 'slot', '{}')
            FROM counts c
            LEFT JOIN hists h USING (sender_org, recipient_org, service, priority, month)
            LEFT JOIN declines d USING (sender_org, recipient_org, service, priority, month)
            LEFT JOIN forwards f USING (sender_org, recipient_org, service, priority, month)
            """;

    // ---- the queries --------------------------------------------------------------------------------------------

    /**
     * The roll-up per pair and month (analytics_pair_month) from the month rows: the statement of migration V57
     * (query-side), which rolls up the month rows a database holds when it is upgraded, read from the migration itself
     * (the build copies it into this module's classpath).
     */
    static final String PAIR_MONTHS_SQL = migrationStatement("/migrations/V57__analytics_pair_month.sql",
            "INSERT INTO analytics_pair_month");

    /** The statement of a migration that starts with {@code start}, up to its closing semicolon. */
    static String migrationStatement(String resource, String start) {
        try (var in = AnalyticsBenchmark.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath (build the bench module)");
            }
            String sql = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int from = sql.indexOf(start);
            int to = sql.indexOf(';', from);
            if (from < 0 || to < 0) {
                throw new IllegalStateException(resource + " holds no statement starting " + start);
            }
            return sql.substring(from, to);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The four queries, one request at a time: each over HTTP, then its SQL, in the same round. */
    private List<Query> measure() throws Exception {
        String derm = client.token(CareLoopClient.RECIPIENT, "demo-secret");
        String gp = client.token(CareLoopClient.INITIATOR, "demo-secret");
        String admin = client.token("careloop-admin", "demo-secret");
        YearMonth to = YearMonth.now(ZoneOffset.UTC);
        YearMonth from = to.minusMonths(11);
        Query overview = new Query("**dashboard** `GET /api/partnerships` as riverside-derm-staff (12 months)");
        Query detail = new Query("detail `GET /api/partnerships/northside-gp` as riverside-derm-staff");
        Query soonest = new Query("`GET /api/partnerships/soonest?service=dermatology-consultation` as "
                + "northside-gp-staff (6 months)");
        Query network = new Query("network `GET /api/partnerships?scope=network` as careloop-admin (12 months)");
        progress("measuring: %d rounds after %d of warm-up", iterations, warmup);
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            for (int i = 0; i < warmup + iterations; i++) {
                boolean measured = i >= warmup;
                api(derm, "/api/partnerships", overview, measured);
                sql(c, overview, measured, List.<Object[]>of(new Object[]{
                        MONTHS_OF_ORGANISATION, Date.valueOf(from.atDay(1)), Date.valueOf(to.atDay(1)),
                        WorklistBenchmark.ORGANISATION, WorklistBenchmark.ORGANISATION}));
                api(derm, "/api/partnerships/northside-gp", detail, measured);
                sql(c, detail, measured, List.of(
                        new Object[]{PAIR_EXISTS, "riverside-derm", "northside-gp", "northside-gp", "riverside-derm",
                                "riverside-derm", "northside-gp", "northside-gp", "riverside-derm"},
                        new Object[]{MONTHS_OF_PAIR, Date.valueOf(from.atDay(1)), Date.valueOf(to.atDay(1)),
                                "riverside-derm", "northside-gp", "northside-gp", "riverside-derm"},
                        new Object[]{GOALS_OF_PAIR, "riverside-derm", "northside-gp", "northside-gp",
                                "riverside-derm"}));
                api(gp, "/api/partnerships/soonest?service=" + URLEncoder.encode("dermatology-consultation",
                        StandardCharsets.UTF_8), soonest, measured);
                Object[] soonestArgs = {SOONEST, Date.valueOf(to.minusMonths(5).atDay(1)), Date.valueOf(to.atDay(1)),
                        "northside-gp", "dermatology-consultation", "dermatology-consultation",
                        "dermatology-consultation", "dermatology-consultation", "dermatology-consultation"};
                sql(c, soonest, measured, List.<Object[]>of(soonestArgs));
            }
            progress("the network view: %d after 3 of warm-up", networkIterations);
            for (int i = 0; i < 3 + networkIterations; i++) {
                boolean measured = i >= 3;
                try {
                    api(admin, "/api/partnerships?scope=network", network, measured);
                } catch (java.net.http.HttpTimeoutException slow) {
                    // The other rows stand; this one says it did not answer in time.
                    timeouts.add("the network view did not answer within the client's 30 s (request " + (i + 1)
                            + "); its row holds the requests that did");
                    break;
                }
                sql(c, network, measured, List.<Object[]>of(new Object[]{NETWORK, Date.valueOf(from.atDay(1)),
                        Date.valueOf(to.atDay(1))}));
            }
        }
        return List.of(overview, detail, soonest, network);
    }

    /** PartnershipReadModel.overview: the roll-up's rows of the caller's organisation, every partner. */
    static final String MONTHS_OF_ORGANISATION = "SELECT * FROM analytics_pair_month WHERE referrals > 0 AND month"
            + " BETWEEN ? AND ? AND (sender_org = ? OR recipient_org = ?) AND sender_org <> recipient_org";
    /** PartnershipReadModel.exists. */
    static final String PAIR_EXISTS = "SELECT EXISTS (SELECT 1 FROM analytics_month WHERE referrals > 0"
            + " AND ((sender_org = ? AND recipient_org = ?) OR (sender_org = ? AND recipient_org = ?)))"
            + " OR EXISTS (SELECT 1 FROM partnership_goal WHERE (organisation = ? AND partner_org = ?)"
            + " OR (organisation = ? AND partner_org = ?))";
    /** PartnershipReadModel.lines for one partner. */
    static final String MONTHS_OF_PAIR = "SELECT * FROM analytics_month WHERE referrals > 0 AND month BETWEEN ? AND ?"
            + " AND ((sender_org = ? AND recipient_org = ?) OR (sender_org = ? AND recipient_org = ?))"
            + " ORDER BY month, sender_org, recipient_org, service, priority";
    /** PartnershipReadModel.goalRows. */
    static final String GOALS_OF_PAIR = "SELECT * FROM partnership_goal WHERE (organisation = ? AND partner_org = ?)"
            + " OR (organisation = ? AND partner_org = ?) ORDER BY set_at, goal_id";
    /** SoonestSeen.rank. */
    static final String SOONEST = "SELECT recipient_org, referrals, seen_hist, slot_hist FROM analytics_month"
            + " WHERE month BETWEEN ? AND ? AND referrals > 0"
            + " AND recipient_org <> ? AND sender_org <> recipient_org AND lower(service) IN (SELECT lower(?) UNION"
            + " SELECT lower(code) FROM organisation_service WHERE lower(code) = lower(?) OR lower(name) = lower(?)"
            + " UNION SELECT lower(name) FROM organisation_service WHERE lower(code) = lower(?)"
            + " OR lower(name) = lower(?))";
    /** PartnershipReadModel.network: the roll-up's rows of the period. */
    static final String NETWORK = "SELECT * FROM analytics_pair_month WHERE referrals > 0 AND month BETWEEN ? AND ?"
            + " AND sender_org <> recipient_org";

    private void api(String token, String path, Query query, boolean measured) throws Exception {
        long start = System.nanoTime();
        CareLoopClient.Reply reply = client.get(token, path);
        long end = System.nanoTime();
        if (reply.status() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + reply.status() + " " + reply.body());
        }
        if (measured) {
            query.api.record(start, end);
        }
    }

    /** The statements (each its SQL and then its parameters), every column of every row read as text. */
    private static void sql(Connection c, Query query, boolean measured, List<Object[]> statements)
            throws SQLException {
        long rows = 0;
        long start = System.nanoTime();
        for (Object[] statement : statements) {
            try (PreparedStatement st = c.prepareStatement((String) statement[0])) {
                for (int p = 1; p < statement.length; p++) {
                    st.setObject(p, statement[p]);
                }
                try (ResultSet rs = st.executeQuery()) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int col = 1; col <= columns; col++) {
                            rs.getString(col);
                        }
                        rows++;
                    }
                }
            }
        }
        long end = System.nanoTime();
        if (measured) {
            query.sql.record(start, end);
            query.rows = rows;
        }
    }

    // ---- the report ---------------------------------------------------------------------------------------------

    private String markdown(Instant startedAt, String command, String server, String appJvm, String loadAtStart,
                            Map<String, String> seeded, List<Query> queries, List<Rebuild> rebuilds,
                            List<String> notes) {
        StringBuilder md = new StringBuilder();
        md.append("### Analytics run of ").append(startedAt).append("\n\n");
        md.append("| | |\n| --- | --- |\n");
        md.append("| machine | ").append(Runtime.getRuntime().availableProcessors()).append(" cores (nproc), load ")
                .append(loadAtStart).append(" at the start, ").append(Costs.Proc.loadAverage()).append(" at the end |\n");
        md.append("| database | ").append(server).append(" |\n");
        md.append("| app | ").append(appJvm).append(" |\n");
        md.append("| network | ").append(seeded.get("referrals")).append(" referrals in analytics_referral (")
                .append(referrals).append(" seeded among ").append(shape.organisations().size())
                .append(" organisations, ").append(shape.partners()).append(" partners each, over ").append(months)
                .append(" months), ").append(seeded.get("months")).append(" month rows, ")
                .append(seeded.get("pair months")).append(" rolled up per pair and month; ").append(seeded.get("tables"))
                .append(" |\n");
        md.append("| seeding | referral rows ").append(seeded.get("referral rows"));
        if (seeded.containsKey("month rows")) {
            md.append(", month rows ").append(seeded.get("month rows"));
        }
        md.append(" |\n\n");
        md.append("| query (one request at a time) | rows | n | p50 | p95 | p99 | max | p95 / SQL p95 |\n"
                + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Query q : queries) {
            row(md, q.name, "", q.api, q.sql);
            row(md, "the SQL behind it", String.valueOf(q.rows), q.sql, null);
        }
        if (!rebuilds.isEmpty()) {
            md.append("\n| rebuild from the log (`POST /api/admin/rebuilds`) | events | events/s | request to switch |"
                    + " app CPU / event | PostgreSQL CPU / event | commits / event | WAL / event |\n"
                    + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
            for (Rebuild r : rebuilds) {
                Costs.PerOp e = r.perEvent();
                md.append(String.format(Locale.ROOT, "| `%s` | %d | %.0f | %.2f s | %.3f ms | %.3f ms | %.3f | %.0f B |%n",
                        r.group(), r.events(), r.eventsPerSecond(), r.requestToSwitchSeconds(), e.appCpuMillis(),
                        e.pgCpuMillis(), e.commits(), e.walBytes()));
            }
            md.append("\nCPU is from the request to the switch, divided by the events replayed.\n");
        }
        for (String note : notes) {
            md.append("\nNote: ").append(note).append('\n');
        }
        double dashboard = queries.get(0).api.percentileMillis(95);
        md.append("\nTarget: the dashboard under ").append((int) TARGET_P95_MILLIS).append(" ms at p95 with ")
                .append(referrals).append(" referrals: ").append(dashboard < TARGET_P95_MILLIS ? "met" : "not met")
                .append(String.format(Locale.ROOT, " (p95 %.1f ms).%n%n", dashboard));
        md.append("Command: `").append(command).append("`\n");
        return md.toString();
    }

    static void row(StringBuilder md, String what, String rows, Latencies l, Latencies baseline) {
        md.append("| ").append(what).append(" | ").append(rows).append(" | ").append(l.count())
                .append(String.format(Locale.ROOT, " | %.1f ms | %.1f ms | %.1f ms | %.1f ms | ",
                        l.percentileMillis(50), l.percentileMillis(95), l.percentileMillis(99),
                        l.summary(1).maxMillis()))
                .append(baseline == null ? "" : String.format(Locale.ROOT, "%.1f",
                        l.percentileMillis(95) / baseline.percentileMillis(95))).append(" |\n");
    }

    private static long scalar(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String scalarText(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    static void progress(String format, Object... values) {
        System.err.printf("[bench] " + format + "%n", values);
    }
}
