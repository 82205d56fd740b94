package dev.careloop.command.web;

import dev.careloop.command.rules.Rules;

/**
 * Reads the version out of an If-Match header: {@code "3"}, {@code W/"3"} or {@code 3}. Optional on intent-based
 * transitions (accept, decline...), whose state machine already refuses a stale intent; {@link #require required}
 * on calls that overwrite an existing resource's data (README, "If-Match").
 */
public final class IfMatch {
    private IfMatch() {
    }

    /** A call that overwrites data came without the version it was based on: 428 Precondition Required. */
    public static final class Required extends RuntimeException {
        Required() {
            super("If-Match is required here: send the ETag (the version) you last read, such as \"3\", so that "
                    + "this change cannot overwrite one you have not seen", null, false, false);
        }
    }

    /** The version a call that overwrites data must name; {@code *} names none and is refused like no header. */
    public static long require(String header) {
        Long version = parse(header);
        if (version == null) {
            throw new Required();
        }
        return version;
    }

    public static Long parse(String header) {
        if (header == null || header.isBlank() || header.trim().equals("*")) {
            return null;
        }
        String value = header.trim();
        if (value.startsWith("W/")) {
            value = value.substring(2);
        }
        value = value.replace("\"", "");
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new Rules.InvalidField("If-Match", "must be the ETag (the version) you last read, such as \"3\"");
        }
    }
}
