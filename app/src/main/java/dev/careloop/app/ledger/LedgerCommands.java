package dev.careloop.app.ledger;

import dev.careloop.app.ledger.LogVerifier.Start;
import dev.careloop.app.ledger.LogVerifier.Verification;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.PrintStream;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The ledger's command-line entry points, run without starting the platform:
 * <pre>
 * java -jar app.jar verify-log --url jdbc:postgresql://host/db --user u [--password p]
 *                              [--public-key BASE64] [--from POSITION] [--to POSITION]
 * java -jar app.jar ledger-keygen
 * </pre>
 * {@code verify-log} checks the event log and the access log's own chain; it exits 0 when both are intact, 1 when it is broken, 2 on bad arguments. With
 * {@code --public-key} it starts after the newest checkpoint that key signed; without, at the start of the log.
 */
public final class LedgerCommands {

    private LedgerCommands() {
    }

    /** True when {@code args} name a ledger command (and it ran); the caller then exits with {@code status}. */
    public static boolean handles(String[] args) {
        return args.length > 0 && (args[0].equals("verify-log") || args[0].equals("ledger-keygen"));
    }

    public static int run(String[] args, PrintStream out) {
        if (args[0].equals("ledger-keygen")) {
            return keygen(out);
        }
        Map<String, String> options = options(args);
        if (options == null || !options.containsKey("url")) {
            out.println("usage: verify-log --url jdbc:postgresql://host:port/db --user USER [--password PASSWORD] "
                    + "[--public-key BASE64] [--from POSITION] [--to POSITION]");
            return 2;
        }
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(options.get("url"));
        dataSource.setUser(options.getOrDefault("user", System.getProperty("user.name")));
        if (options.containsKey("password")) {
            dataSource.setPassword(options.get("password"));
        }
        Long from = options.containsKey("from") ? Long.valueOf(options.get("from")) : null;
        Long to = options.containsKey("to") ? Long.valueOf(options.get("to")) : null;
        LogVerifier verifier = new LogVerifier(dataSource);
        // A pinned key's checkpoints are trusted; without one, everything is recomputed.
        String key = options.get("public-key");
        Start start = new Checkpoints(dataSource).startFor(
                key == null ? Set.of() : Set.of(Checkpoints.keyIdOf(key)), from, to, key == null);
        Verification verification = verifier.verify(start, to);
        out.println(verification.summary());
        out.println("checked in " + verification.took().toMillis() + " ms");
        // The access log has a chain of its own (V41), always checked from its first entry.
        AccessChainVerifier.Verification accessLog = new AccessChainVerifier(dataSource).verify();
        out.println(accessLog.summary());
        return verification.intact() && accessLog.intact() ? 0 : 1;
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
