package dev.careloop.app;

import dev.careloop.app.infra.StartupReport;
import dev.careloop.app.ledger.LedgerCommands;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

import java.util.ArrayList;
import java.util.List;

/**
 * One process that runs the sides named by {@code careloop.sides} (both by default). Axon's usage
 * reporter is left out: a health platform does not phone home.
 */
@SpringBootApplication(excludeName = "org.axonframework.springboot.autoconfig.UpdateCheckerAutoConfiguration")
public class CareLoopApplication {

    public static void main(String[] args) {
        if (LedgerCommands.handles(args)) {
            // A compliance officer's tool against any database: no platform, no Spring context.
            System.exit(LedgerCommands.run(args, System.out));
        }
        SpringApplication application = new SpringApplication(CareLoopApplication.class);
        StartupReport.installIfAsked(application);
        try {
            application.run(args);
        } catch (RuntimeException | Error failed) {
            // Spring Boot has logged its report and closed the context. Threads that the half-started context left
            // behind (event processors retrying against the closed pool) would keep a JVM that never gets ready
            // alive for its supervisor: exit at once, non-zero, with one line that says why.
            System.err.println(didNotStart(failed, Thread.getAllStackTraces().keySet()));
            System.exit(1);
        }
    }

    /** The one line a failed start prints: the failure's messages, and the threads that would have kept the JVM. */
    static String didNotStart(Throwable failed, Iterable<Thread> threads) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = failed; t != null && messages.size() < 8; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (messages.stream().noneMatch(message::contains)) {
                messages.add(message);
            }
        }
        List<String> left = new ArrayList<>();
        for (Thread thread : threads) {
            if (thread.isAlive() && !thread.isDaemon() && thread != Thread.currentThread()
                    && !thread.getName().equals("DestroyJavaVM")) {
                left.add(thread.getName());
            }
        }
        return ("CareLoop did not start: " + String.join(": ", messages)
                + (left.isEmpty() ? "" : " (exiting, though these threads still ran: " + String.join(", ", left) + ")")
                + "; exit code 1").replaceAll("\\s+", " ");
    }
}
