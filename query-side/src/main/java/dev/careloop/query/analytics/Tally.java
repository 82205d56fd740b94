package dev.careloop.query.analytics;

import java.util.Map;
import java.util.TreeMap;

/**
 * Counts by code (a reason category, say), as a jsonb object {"capacity": 2, "other": 1}. Codes are the closed
 * lists' (lower-case letters and dashes); anything else is counted under {@link #OTHER}.
 */
record Tally(Map<String, Integer> counts) {

    static final Tally EMPTY = new Tally(Map.of());
    static final String OTHER = "other";
    /** What a decline or forward without a category counts under. */
    static final String UNSPECIFIED = "unspecified";

    Tally {
        TreeMap<String, Integer> kept = new TreeMap<>();
        counts.forEach((code, n) -> {
            if (n != 0) {
                kept.merge(code, n, Integer::sum);
            }
        });
        counts = java.util.Collections.unmodifiableMap(kept);
    }

    static String code(String category) {
        if (category == null) {
            return UNSPECIFIED;
        }
        return category.matches("[a-z][a-z-]{0,39}") ? category : OTHER;
    }

    Tally plus(String category, int n) {
        Map<String, Integer> more = new TreeMap<>(counts);
        more.merge(code(category), n, Integer::sum);
        return new Tally(more);
    }

    Tally plus(Tally other, int sign) {
        Map<String, Integer> more = new TreeMap<>(counts);
        other.counts.forEach((code, n) -> more.merge(code, sign * n, Integer::sum));
        return new Tally(more);
    }

    int total() {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** As the jsonb column holds it. */
    String json() {
        StringBuilder json = new StringBuilder("{");
        counts.forEach((code, n) -> {
            if (json.length() > 1) {
                json.append(", ");
            }
            json.append('"').append(code).append("\": ").append(n);
        });
        return json.append('}').toString();
    }

    /** Reads the column back (PostgreSQL's own text of a jsonb object of integers, keys as {@link #code}). */
    static Tally parse(String json) {
        String body = json == null ? "" : json.strip();
        if (body.length() < 2 || body.charAt(0) != '{' || body.charAt(body.length() - 1) != '}') {
            throw new IllegalArgumentException("not a tally: " + json);
        }
        body = body.substring(1, body.length() - 1).strip();
        Map<String, Integer> counts = new TreeMap<>();
        if (!body.isEmpty()) {
            for (String entry : body.split(",")) {
                String[] pair = entry.split(":");
                counts.put(pair[0].strip().replace("\"", ""), Integer.parseInt(pair[1].strip()));
            }
        }
        return new Tally(counts);
    }
}
