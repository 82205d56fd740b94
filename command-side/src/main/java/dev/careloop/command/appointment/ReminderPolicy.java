package dev.careloop.command.appointment;

import dev.careloop.api.appointment.Slot;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When to remind before an appointment ({@code careloop.appointments.reminder-before}). Kept out of the
 * aggregate so that it holds no clock: a visit already under way gets no reminder, one sooner than the lead
 * gets it at once.
 */
@Component
public class ReminderPolicy {
    private final Duration before;
    private final Clock clock;

    @Autowired
    ReminderPolicy(@Value("${careloop.appointments.reminder-before:PT24H}") Duration before) {
        this(before, Clock.systemUTC());
    }

    public ReminderPolicy(Duration before, Clock clock) {
        this.before = before;
        this.clock = clock;
    }

    Optional<Instant> remindAt(Slot slot) {
        Instant now = clock.instant();
        if (!slot.start().isAfter(now)) {
            return Optional.empty();
        }
        Instant at = slot.start().minus(before);
        return Optional.of(at.isAfter(now) ? at : now);
    }
}
