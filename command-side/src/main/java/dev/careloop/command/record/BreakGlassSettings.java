package dev.careloop.command.record;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Whether an organisation lets its clinicians break the glass (read a record outside its consent in an
 * emergency): {@code careloop.organisations.<org>.break-the-glass}, off unless set.
 */
@Component
public class BreakGlassSettings {

    private final Environment environment;

    public BreakGlassSettings(Environment environment) {
        this.environment = environment;
    }

    public boolean enabledFor(String organisation) {
        return environment.getProperty("careloop.organisations." + organisation + ".break-the-glass", Boolean.class,
                false);
    }
}
