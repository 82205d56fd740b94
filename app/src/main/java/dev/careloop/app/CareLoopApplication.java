package dev.careloop.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * One process that runs the sides named by {@code careloop.sides} (both by default). Axon's usage
 * reporter is left out: a health platform does not phone home.
 */
@SpringBootApplication(excludeName = "org.axonframework.springboot.autoconfig.UpdateCheckerAutoConfiguration")
public class CareLoopApplication {

    public static void main(String[] args) {
        SpringApplication.run(CareLoopApplication.class, args);
    }
}
