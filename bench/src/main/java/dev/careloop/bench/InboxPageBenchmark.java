package dev.careloop.bench;

import java.net.URI;
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
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How fast the web app's inbox page renders when riverside-derm's inbox holds {@code --referrals} referrals, as a
 * signed-in person sees it: the whole worklist page ({@code GET /worklist}), the search (a POST, whole page), and the
 * fragment htmx swaps in for the search and the filters ({@code HX-Request: true}). Next to each, in the same run:
 * the REST calls the page makes on loopback (as a client of the same organisation) and the SQL behind those calls,
 * run straight on the same PostgreSQL. One request at a time: latency, not throughput.
 */
public final class InboxPageBenchmark {

    private static final Pattern TOTAL = Pattern.compile("<span>(\\d+)</span> referral\\(s\\)");

    private final CareLoopClient client;
    private final URI baseUrl;
    private final String jdbcUrl;
    private final String username;
    private final String password;
    private final int referrals;
    private final int clients;
    private final int iterations;
    private final int warmup;
    private final Path out;

    private InboxPageBenchmark(Map<String, String> options) {
        baseUrl = URI.create(options.getOrDefault("base-url", "http://127.0.0.1:8080"));
        client = new CareLoopClient(baseUrl);
        jdbcUrl = options.getOrDefault("jdbc-url", "jdbc:postgresql://127.0.0.1:54329/postgres?user=postgres");
        username = options.getOrDefault("user", "priya.shah");
        password = options.getOrDefault("password", "careloop-demo");
        referrals = Integer.parseInt(options.getOrDefault("referrals", "20000"));
        clients = Integer.parseInt(options.getOrDefault("clients", "8"));
        iterations = Integer.parseInt(options.getOrDefault("iterations", "300"));
        warmup = Integer.parseInt(options.getOrDefault("warmup", "50"));
        out = options.containsKey("out") ? Path.of(options.get("out")) : null;
    }

    static final String USAGE = """
            usage: bench/run.sh inbox [options]
              --base-url URL     running CareLoop, on the loopback address its sign-in redirects name
                                 (default http://127.0.0.1:8080)
              --jdbc-url URL     the PostgreSQL the app writes to (default
                                 jdbc:postgresql://127.0.0.1:54329/postgres?user=postgres)
              --user NAME        the riverside-derm person who signs in (default priya.shah)
              --password PW      their password (default careloop-demo)
              --referrals N      grow riverside-derm's inbox over the API to at least N referrals (default 20000)
              --clients N        client threads that grow it (default 8)
              --iterations N     measured rounds (default 300), after --warmup N (default 50)
              --out FILE         also append the result as markdown to FILE
            """;

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Options.pairs(args, USAGE);
        new InboxPageBenchmark(options).run(args);
    }

    /** What one round measures, each a p50/p95/max. */
    static final class Rows {
        final Latencies page = new Latencies();
        final Latencies pageSearch = new Latencies();
        final Latencies fragment = new Latencies();
        final Latencies fragmentSearch = new Latencies();
        final Latencies rest = new Latencies();
        final Latencies restSearch = new Latencies();
        final Latencies sql = new Latencies();
        final Latencies sqlSearch = new Latencies();
        final Latencies restList = new Latencies();
        final Latencies restListSearch = new Latencies();
        final Latencies sqlList = new Latencies();
        final Latencies sqlListSearch = new Latencies();
    }

    private void run(String[] args) throws Exception {
        client.requireHealthy();
        Instant startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        WorklistBenchmark.grow(client, jdbcUrl, referrals, clients);
        String token = client.token(CareLoopClient.RECIPIENT, "demo-secret");
        BrowserSession person = BrowserSession.signIn(baseUrl, "/signin/careloop", username, password);
        long inbox;
        String server;
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement st = c.createStatement()) {
            inbox = WorklistBenchmark.count(c);
            server = WorklistBenchmark.describeServer(st);
        }
        WorklistBenchmark.progress("riverside-derm's inbox holds %d referrals; %s signed in; measuring", inbox,
                username);
        Rows rows = new Rows();
        long matched = 0;
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            for (int i = 0; i < warmup + iterations; i++) {
                String surname = WorklistBenchmark.SURNAMES[i % WorklistBenchmark.SURNAMES.length];
                boolean measured = i >= warmup;
                // The page, the REST calls it makes and their SQL, each right after the other so that they share
                // the machine's moment; every round also checks that they agree on the totals.
                long open = sqlOfPage(c, null, true, measured ? rows.sql : null);
                long shown = page(person, null, false, measured ? rows.page : null);
                rest(token, null, true, measured ? rows.rest : null);
                sqlOfPage(c, null, false, measured ? rows.sqlList : null);
                long fragment = page(person, "", true, measured ? rows.fragment : null);
                rest(token, null, false, measured ? rows.restList : null);
                long found = sqlOfPage(c, surname, true, measured ? rows.sqlSearch : null);
                long searched = page(person, surname, false, measured ? rows.pageSearch : null);
                rest(token, surname, true, measured ? rows.restSearch : null);
                sqlOfPage(c, surname, false, measured ? rows.sqlListSearch : null);
                long swapped = page(person, surname, true, measured ? rows.fragmentSearch : null);
                rest(token, surname, false, measured ? rows.restListSearch : null);
                if (shown != open || fragment != open || searched != found || swapped != found) {
                    throw new IllegalStateException("the page disagrees with its SQL: " + shown + "/" + fragment
                            + " open shown against " + open + ", " + searched + "/" + swapped + " for " + surname
                            + " against " + found);
                }
                matched += measured ? found : 0;
            }
        }
        String command = System.getProperty("bench.command", "java " + InboxPageBenchmark.class.getName() + " "
                + String.join(" ", Arrays.stream(args).map(Report::shellQuote).toList()));
        String report = markdown(startedAt, command, server, client.describeAppJvm("demo-secret"), inbox,
                matched / Math.max(1, iterations), rows);
        System.out.println();
        System.out.print(report);
        if (out != null) {
            Files.writeString(out, "\n" + report, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            WorklistBenchmark.progress("appended to %s", out);
        }
    }

    /**
     * One load of the inbox: with {@code search} null the whole page by GET; otherwise the search form's POST with
     * the filter form's fields (hx-include), as a whole page or, with {@code htmx}, as the fragment htmx swaps in.
     * Answers the total the page shows.
     */
    private static long page(BrowserSession person, String search, boolean htmx, Latencies latencies)
            throws Exception {
        long start = System.nanoTime();
        BrowserSession.Page page;
        if (search == null) {
            page = person.get("/worklist", htmx);
        } else {
            String csrf = person.csrf();
            page = person.post("/worklist/search", searchForm(search, csrf), htmx);
        }
        long end = System.nanoTime();
        long total = shownTotal(page, htmx);
        if (latencies != null) {
            latencies.record(start, end);
        }
        return total;
    }

    /** The fields the search form posts: its own (q, _csrf) and the filter form's defaults. */
    static Map<String, List<String>> searchForm(String q, String csrf) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        fields.put("box", List.of("inbox"));
        fields.put("scope", List.of("open"));
        fields.put("priority", List.of(""));
        fields.put("partner", List.of(""));
        fields.put("sort", List.of("due"));
        fields.put("size", List.of("20"));
        fields.put("q", List.of(q));
        fields.put("_csrf", List.of(csrf));
        return fields;
    }

    /** The "N referral(s)" the results show; refuses anything but a 200 worklist (page or fragment). */
    static long shownTotal(BrowserSession.Page page, boolean fragment) {
        String body = page.body();
        boolean shape = fragment ? body.stripLeading().startsWith("<section id=\"results\"")
                : body.contains("<h1>Worklist</h1>");
        Matcher total = TOTAL.matcher(body);
        if (page.status() != 200 || !shape || !total.find()) {
            throw new IllegalStateException("not the worklist " + (fragment ? "fragment" : "page") + ": "
                    + page.status() + " at " + page.uri() + ": "
                    + body.substring(0, Math.min(300, body.length())));
        }
        return Long.parseLong(total.group(1));
    }

    /**
     * The REST calls the page makes, one after another, as it makes them (WorklistPage.show): with {@code wholePage}
     * the list, both counts and the directory; otherwise the list alone, all the fragment asks for.
     */
    private void rest(String token, String search, boolean wholePage, Latencies latencies) throws Exception {
        String list = "/api/referrals?box=inbox&open=true" + (search == null ? "" : "&q=" + search)
                + "&sort=due,asc&page=0&size=20";
        List<String> calls = wholePage ? List.of(list, "/api/referrals/counts?box=inbox",
                "/api/referrals/counts?box=outbox", "/api/organisations") : List.of(list);
        long start = System.nanoTime();
        for (String call : calls) {
            CareLoopClient.Reply reply = client.get(token, call);
            if (reply.status() != 200) {
                throw new IllegalStateException("GET " + call + " answered " + reply.status() + " " + reply.body());
            }
        }
        long end = System.nanoTime();
        if (latencies != null) {
            latencies.record(start, end);
        }
    }

    /**
     * The SQL behind those REST calls: the list's count and first page (ReferralReadModel.list), the inbox's and the
     * outbox's counts by status (ReferralReadModel.counts), the organisation directory; without {@code wholePage}
     * the list's two statements alone. Answers the list's count.
     */
    private static long sqlOfPage(Connection c, String surname, boolean wholePage, Latencies latencies)
            throws SQLException {
        long start = System.nanoTime();
        long total = WorklistBenchmark.sql(c, surname == null ? null : surname.toLowerCase(Locale.ROOT), null);
        if (!wholePage) {
            if (latencies != null) {
                latencies.record(start, System.nanoTime());
            }
            return total;
        }
        for (String side : List.of("recipient_org", "initiator_org")) {
            try (PreparedStatement st = c.prepareStatement("SELECT status, count(*) AS n, count(*) FILTER (WHERE "
                    + "overdue) AS late FROM referral_view WHERE " + side + " = ? GROUP BY status")) {
                st.setString(1, WorklistBenchmark.ORGANISATION);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        rs.getLong("n");
                    }
                }
            }
        }
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT o.id, o.name, s.code, s.name AS service_name
                  FROM organisation o LEFT JOIN organisation_service s ON s.organisation_id = o.id
                 ORDER BY o.name, o.id, s.name, s.code""")) {
            while (rs.next()) {
                rs.getString("id");
            }
        }
        long end = System.nanoTime();
        if (latencies != null) {
            latencies.record(start, end);
        }
        return total;
    }

    private String markdown(Instant startedAt, String command, String server, String appJvm, long inbox,
                            long matchedPerSearch, Rows r) {
        StringBuilder md = new StringBuilder();
        md.append("### Inbox page run of ").append(startedAt).append("\n\n");
        md.append("| | |\n| --- | --- |\n");
        md.append("| machine | ").append(Runtime.getRuntime().availableProcessors()).append(" cores (nproc), ")
                .append(loadAverage()).append(" |\n");
        md.append("| database | ").append(server).append(" |\n");
        md.append("| app | ").append(appJvm).append(" |\n");
        md.append("| inbox | ").append(inbox).append(" referrals of ").append(WorklistBenchmark.ORGANISATION)
                .append(", signed in as ").append(username).append("; a search by surname matches about ")
                .append(matchedPerSearch).append(" open ones |\n\n");
        md.append("| measured (").append(iterations).append(" rounds, one request at a time) | p50 | p95 | max | "
                + "p95 / SQL p95 |\n| --- | ---: | ---: | ---: | ---: |\n");
        WorklistBenchmark.row(md, "**page** `GET /worklist` (whole page, 20 rows, open, due soonest first)", r.page, r.sql);
        WorklistBenchmark.row(md, "its 4 REST calls on loopback, one after another (list, 2 counts, directory)", r.rest, r.sql);
        WorklistBenchmark.row(md, "the SQL behind them (list count + page, 2 counts by status, directory)", r.sql, null);
        WorklistBenchmark.row(md, "**fragment** `POST /worklist/search`, `HX-Request: true`, no words (what htmx swaps in)",
                r.fragment, r.sqlList);
        WorklistBenchmark.row(md, "its REST call (the list)", r.restList, r.sqlList);
        WorklistBenchmark.row(md, "the SQL behind it (list count + page)", r.sqlList, null);
        WorklistBenchmark.row(md, "**search page** `POST /worklist/search` `q=<surname>` (whole page)", r.pageSearch, r.sqlSearch);
        WorklistBenchmark.row(md, "its 4 REST calls with `q=<surname>`", r.restSearch, r.sqlSearch);
        WorklistBenchmark.row(md, "the SQL behind them", r.sqlSearch, null);
        WorklistBenchmark.row(md, "**search fragment**: the same with `HX-Request: true`", r.fragmentSearch, r.sqlListSearch);
        WorklistBenchmark.row(md, "its REST call (the list with `q`)", r.restListSearch, r.sqlListSearch);
        WorklistBenchmark.row(md, "the SQL behind it", r.sqlListSearch, null);
        md.append(String.format(Locale.ROOT, "%nOverhead of the web app over its REST calls at p95 (session, "
                        + "Thymeleaf, the loopback client): page %.1f ms, fragment %.1f ms, search page %.1f ms, "
                        + "search fragment %.1f ms.%n",
                r.page.percentileMillis(95) - r.rest.percentileMillis(95),
                r.fragment.percentileMillis(95) - r.restList.percentileMillis(95),
                r.pageSearch.percentileMillis(95) - r.restSearch.percentileMillis(95),
                r.fragmentSearch.percentileMillis(95) - r.restListSearch.percentileMillis(95)));
        double worst = Math.max(Math.max(r.page.percentileMillis(95), r.pageSearch.percentileMillis(95)),
                Math.max(r.fragment.percentileMillis(95), r.fragmentSearch.percentileMillis(95)));
        WorklistBenchmark.target(md, worst, command);
        return md.toString();
    }

    /** The machine's load when the result is written: a figure under load says so itself. */
    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return "load average " + parts[0] + " " + parts[1] + " " + parts[2] + " at the end";
        } catch (Exception unreadable) {
            return "load average unknown";
        }
    }
}
