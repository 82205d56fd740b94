package dev.careloop.query.asof;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Instants as a TIMESTAMPTZ column keeps them, so a folded view equals the read model's to the microsecond. */
final class Instants {
    private Instants() {
    }

    /** Rounded half up to the microsecond, as the PostgreSQL JDBC driver sends a timestamp. */
    static Instant stored(Instant instant) {
        return instant == null ? null : instant.plusNanos(500).truncatedTo(ChronoUnit.MICROS);
    }
}
