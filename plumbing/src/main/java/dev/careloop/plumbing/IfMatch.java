package dev.careloop.plumbing;

/**
 * The version an If-Match header names: {@code "3"} (the REST API's ETag), {@code W/"3"} (FHIR's weak version tag) or
 * {@code 3}. One reading for {@code /api} and {@code /fhir}; each answers a missing or malformed header in its own
 * form (a problem naming If-Match, an OperationOutcome) and words it for its callers.
 */
public final class IfMatch {

    private IfMatch() {
    }

    /** The version named, or null when the header is absent, blank or {@code *} (which names no version). */
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
            throw new Malformed();
        }
    }

    /** The version a call that overwrites data must name: without one it is refused (428 Precondition Required). */
    public static long require(String header) {
        Long version = parse(header);
        if (version == null) {
            throw new Missing();
        }
        return version;
    }

    /** The call must say which version it was based on and did not. */
    public static final class Missing extends RuntimeException {
        Missing() {
            super("If-Match names no version", null, false, false);
        }
    }

    /** The header is there but is no version. */
    public static final class Malformed extends IllegalArgumentException {
        Malformed() {
            super("If-Match is not a version");
        }
    }
}
