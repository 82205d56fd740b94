package dev.careloop.command.web;

import dev.careloop.command.rules.Rules;

/** Reads the version out of an If-Match header: {@code "3"}, {@code W/"3"} or {@code 3}. */
public final class IfMatch {
    private IfMatch() {
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
