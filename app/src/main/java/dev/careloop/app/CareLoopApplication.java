package dev.careloop.app;

import dev.careloop.app.infra.StartupReport;
import dev.careloop.app.ledger.LedgerCommands;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

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
        application.run(args);
    }
}
