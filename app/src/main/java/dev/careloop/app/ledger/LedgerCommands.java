package dev.careloop.app.ledger;

import dev.careloop.app.ledger.LogVerifier.Start;
import dev.careloop.app.ledger.LogVerifier.Verification;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.PrintStream;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The ledger's command-line entry points, run without starting the platform:
 * <pre>
 * java -jar app.jar verify-log --url jdbc:postgresql://host/db --user u [--password p]
 *                              [--public-key BASE64] [--from POSITION] [--to POSITION] [--chain-window PT10S]
 * java -jar app.jar ledger-keygen
 * </pre>
 * {@code verify-log} checks the event log and the access log's own chain; it exits 0 when both are intact, 1 when
 * either is broken, 2 when it could not run (bad arguments, a database it cannot reach or read). With
 * {@code --public-key} it starts after the newest checkpoint that key signed; without, at the start of the log.
 * Events committed but not chained yet are reported while younger than {@code --chain-window} (default PT10S), and
 * make the log fail verification when older.
 */
public final class LedgerCommands {

    private LedgerCommands() {
    }

    /** True when {@code args} name a ledger command (and it ran); the caller then exits with {@code status}. */
    public static boolean handles(String[] args) {
        return args.length > 0 && (args[0].equals("verify-log") || args[0].equals("ledger-keygen"));
    }

    /** The log is intact (from where verification started). */
    public static final int INTACT = 0;
    /** The log is broken: the summary names the first event that no longer matches. */
    public static final int BROKEN = 1;
    /** Verification could not run: bad arguments, or the database could not be reached or read. */
    public static final int COULD_NOT_RUN = 2;

    private static final Set<String> OPTIONS = Set.of("url", "user", "password", "public-key", "from", "to",
            "chain-window");
    private static final String USAGE = "usage: verify-log --url jdbc:postgresql://host:port/db --user USER "
            + "[--password PASSWORD] [--public-key BASE64] [--from POSITION] [--to POSITION] [--chain-window PT10S]";

    /**
     * Runs the command; the exit status: {@link #INTACT}, {@link #BROKEN}, or {@link #COULD_NOT_RUN}, so that a
     * script (or a monitor) never reads "cannot connect" as "the log was tampered with", nor the reverse.
     */
    public static int run(String[] args, PrintStream out) {
        if (args[0].equals("ledger-keygen")) {
            return keygen(out);
        }
        Map<String, String> options = options(args);
        String wrong = options == null ? "every option takes a value" : !options.containsKey("url")
                ? "--url is required" : options.keySet().stream().filter(o -> !OPTIONS.contains(o))
                .map(o -> "unknown option --" + o).findFirst().orElse(null);
        if (wrong != null) {
            out.println("verify-log could not run: " + wrong);
            out.println(USAGE);
            return COULD_NOT_RUN;
        }
        Long from;
        Long to;
        Duration chainWindow;
        String key = options.get("public-key");
        try {
            from = position(options, "from");
            to = position(options, "to");
            chainWindow = chainWindow(options.get("chain-window"));
            if (key != null) {
                publicKey(key);
            }
        } catch (IllegalArgumentException e) {
            out.println("verify-log could not run: " + e.getMessage());
            out.println(USAGE);
            return COULD_NOT_RUN;
        }
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(options.get("url"));
        dataSource.setUser(options.getOrDefault("user", System.getProperty("user.name")));
        if (options.containsKey("password")) {
            dataSource.setPassword(options.get("password"));
        }
        Verification verification;
        AccessChainVerifier.Verification accessLog;
        try {
            LogVerifier verifier = new LogVerifier(dataSource, chainWindow);
            // A pinned key's checkpoints are trusted; without one, everything is recomputed.
            Start start = new Checkpoints(dataSource).startFor(
                    key == null ? Set.of() : Set.of(Checkpoints.keyIdOf(key)), from, to, key == null);
            verification = verifier.verify(start, to);
            // The access log has a chain of its own (V41), always checked from its first entry; with a pinned key,
            // also against every head that key signed (V48).
            accessLog = new AccessChainVerifier(dataSource).verify(key == null ? java.util.List.of()
                    : new AccessCheckpoints(dataSource).trusted(Set.of(Checkpoints.keyIdOf(key))));
        } catch (RuntimeException e) {
            // Nothing was verified: say why, and never with the status of a broken log.
            out.println("verify-log could not run: " + describe(e));
            return COULD_NOT_RUN;
        }
        out.println(verification.summary());
        out.println("checked in " + verification.took().toMillis() + " ms");
        out.println(accessLog.summary());
        return verification.intact() && accessLog.intact() ? INTACT : BROKEN;
    }

    private static void publicKey(String key) {
        try {
            Checkpoints.keyIdOf(key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--public-key must be the base64 public key that signs checkpoints");
        }
    }

    private static Duration chainWindow(String value) {
        if (value == null) {
            return LogVerifier.DEFAULT_CHAIN_WINDOW;
        }
        try {
            Duration window = Duration.parse(value.trim());
            if (!window.isNegative()) {
                return window;
            }
        } catch (DateTimeParseException e) {
            // said below
        }
        throw new IllegalArgumentException("--chain-window must be an ISO-8601 duration such as PT10S");
    }

    private static Long position(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            return null;
        }
        try {
            long position = Long.parseLong(value.trim());
            if (position >= 0) {
                return position;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("--" + name + " must be a chain position (a whole number, 0 or more)");
    }

    /** The failure and its root cause (the driver's "Connection refused", "password authentication failed"). */
    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root.getMessage() + ")";
    }

    private static int keygen(PrintStream out) {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            out.println("CARELOOP_LEDGER_SIGNING_KEY=" + Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()));
            out.println("CARELOOP_LEDGER_PUBLIC_KEY=" + Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));
            return 0;
        } catch (GeneralSecurityException e) {
            out.println("this Java has no Ed25519: " + e.getMessage());
            return 2;
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                return null;
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }
}
