package dev.careloop.query.asof;

import dev.careloop.query.replay.RowValues;

import java.time.Instant;

/** Instants as a TIMESTAMPTZ column keeps them, as the as-of answers show them (asOfClampedTo). */
final class Instants {
    private Instants() {
    }

    /** Rounded half up to the microsecond, as the PostgreSQL JDBC driver sends a timestamp. */
    static Instant stored(Instant instant) {
        return RowValues.stored(instant);
    }
}
