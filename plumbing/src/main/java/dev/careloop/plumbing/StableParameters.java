package dev.careloop.plumbing;

import org.springframework.jdbc.core.SqlParameterValue;

import java.sql.Types;

/**
 * JDBC parameters whose types do not change with their values, so a statement stays prepared on the server.
 * pgjdbc binds a String as {@code varchar} and a null as "unspecified"; a statement prepared on the server for the
 * one is parsed again for the other, and PostgreSQL plans a freshly parsed statement on every execution. A text
 * bound as "unspecified" too takes the type of its column, as a null does. Under the command benchmark the referral
 * view's upsert, whose optional texts come and go from one command to the next, was planned on nearly every call.
 */
public final class StableParameters {

    private StableParameters() {
    }

    /** {@code value} as a parameter: a String bound as "unspecified", anything else as it is. */
    public static Object of(Object value) {
        return value instanceof String text ? new SqlParameterValue(Types.OTHER, text) : value;
    }

    /** {@link #of} for each of {@code values}, in place; returns them. */
    public static Object[] all(Object... values) {
        for (int i = 0; i < values.length; i++) {
            values[i] = of(values[i]);
        }
        return values;
    }
}
