package dev.careloop.api.appointment;

import java.time.Instant;

/** A time an appointment takes or could take. */
public record Slot(Instant start, Instant end) {
}
