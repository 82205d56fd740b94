package dev.careloop.command.referral;

/** Reads the version out of an If-Match header: {@code "3"}, {@code W/"3"} or {@code 3}. */
final class IfMatch {
    private IfMatch() {
    }

    static Long parse(String header) {
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
            throw new Rules.InvalidField("If-Match", "must be the referral's ETag (its version), such as \"3\"");
        }
    }
}
