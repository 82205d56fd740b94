package dev.careloop.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the benchmark was asked to do. Each option is {@code --name value}, {@code --name=value} or, when
 * absent from the arguments, the system property {@code bench.name}.
 */
record Options(URI baseUrl, String jdbcUrl, List<Integer> clients, int seconds, int warmupSeconds, Path out,
               boolean rawOnly, boolean httpOnly, boolean skipFloor, int probeIntervalMillis, String secret,
               long appPid) {

    static final String USAGE = """
            usage: Benchmark [options]
              --base-url URL          running CareLoop (default http://localhost:8080)
              --jdbc-url URL          PostgreSQL for the raw baseline; use the one the app writes to for a fair
                                      ratio (default jdbc:postgresql://127.0.0.1:5432/test?user=postgres)
              --clients N,N,...       client threads; every phase runs at each count (default 1,8,32)
              --seconds N             measured seconds per phase (default 30)
              --warmup-seconds N      unmeasured seconds before each phase's measurement (default 5)
              --out FILE              also append the result as markdown to FILE
                                      (the history: docs/benchmarks/commands-history.md)
              --raw-only              run only the raw PostgreSQL baseline (no app needed)
              --http-only             run only the HTTP phases (the floor and CareLoop)
              --skip-floor            leave out the HTTP floor (an app started without CARELOOP_BENCH_FLOOR=true)
              --app-pid N             the app's process, for its CPU (default: the process listening on the
                                      --base-url port)
              --probe-interval-ms N   projection-lag probe period (default 200)
              --secret S              demo client secret (default demo-secret)
            Any option may also be given as a system property: -Dbench.clients=4, -Dbench.raw-only=true.
            """;

    private static final Set<String> FLAGS = Set.of("raw-only", "http-only", "skip-floor", "help");
    private static final Set<String> VALUED = Set.of("base-url", "jdbc-url", "clients", "seconds",
            "warmup-seconds", "out", "probe-interval-ms", "secret", "app-pid");

    /**
     * The {@code --name value} pairs of the single-purpose benchmarks (worklist, inbox page, replay, access log);
     * {@code --help} prints {@code usage} and exits 0, anything else malformed prints it and exits 2.
     */
    static Map<String, String> pairs(String[] args, String usage) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length || args[i].equals("--help")) {
                System.out.print(usage);
                System.exit(args[i].equals("--help") ? 0 : 2);
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }

    static Options parse(List<String> args) {
        Map<String, String> given = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (FLAGS.contains(name)) {
                given.put(name, value == null ? "true" : value);
            } else if (VALUED.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new IllegalArgumentException("--" + name + " needs a value");
                    }
                    value = args.get(++i);
                }
                given.put(name, value);
            } else {
                throw new IllegalArgumentException("unknown option --" + name);
            }
        }
        if (flag(given, "help")) {
            return null;
        }
        Options options = new Options(
                URI.create(stripTrailingSlash(text(given, "base-url", "http://localhost:8080"))),
                text(given, "jdbc-url", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres"),
                counts(given, "clients", "1,8,32"),
                positive(given, "seconds", 30),
                number(given, "warmup-seconds", 5),
                Optional.ofNullable(text(given, "out", null)).map(Path::of).orElse(null),
                flag(given, "raw-only"),
                flag(given, "http-only"),
                flag(given, "skip-floor"),
                positive(given, "probe-interval-ms", 200),
                text(given, "secret", "demo-secret"),
                number(given, "app-pid", 0));
        if (options.rawOnly && options.httpOnly) {
            throw new IllegalArgumentException("--raw-only and --http-only exclude each other");
        }
        return options;
    }

    private static String text(Map<String, String> given, String name, String fallback) {
        String value = given.get(name);
        return value != null ? value : System.getProperty("bench." + name, fallback);
    }

    private static boolean flag(Map<String, String> given, String name) {
        return Boolean.parseBoolean(text(given, name, "false"));
    }

    private static int number(Map<String, String> given, String name, int fallback) {
        String value = text(given, name, null);
        try {
            int n = value == null ? fallback : Integer.parseInt(value.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number of 0 or more, not '" + value + "'");
        }
    }

    /** {@code 1,8,32}: each a whole number of 1 or more, in the order given, no repeats. */
    private static List<Integer> counts(Map<String, String> given, String name, String fallback) {
        String value = text(given, name, fallback);
        List<Integer> counts = new ArrayList<>();
        for (String part : value.split(",")) {
            int n;
            try {
                n = Integer.parseInt(part.trim());
            } catch (NumberFormatException e) {
                n = 0;
            }
            if (n < 1 || counts.contains(n)) {
                throw new IllegalArgumentException("--" + name + " must be distinct whole numbers of 1 or more "
                        + "separated by commas, not '" + value + "'");
            }
            counts.add(n);
        }
        return List.copyOf(counts);
    }

    private static int positive(Map<String, String> given, String name, int fallback) {
        int n = number(given, name, fallback);
        if (n == 0) {
            throw new IllegalArgumentException("--" + name + " must be at least 1");
        }
        return n;
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
