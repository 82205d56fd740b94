package dev.careloop.query.analytics;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A turnaround distribution as analytics_month keeps it: how many referrals took each bucket of time. Buckets are
 * whole hours below 3 days (0-71) and whole days from there (72 = 3 days, 73 = 4 days...), fine enough for a triage
 * measured in hours and a loop closed in weeks, and few enough that a month row stays small.
 */
record Histogram(Map<Integer, Long> buckets) {

    static final int HOUR_BUCKETS = 72;
    static final Histogram EMPTY = new Histogram(Map.of());

    Histogram {
        buckets = Collections.unmodifiableMap(new TreeMap<>(buckets));
    }

    /** The bucket of a duration; a negative one (clocks of two organisations) counts as none. */
    static int bucketOf(Duration duration) {
        long hours = Math.max(0, duration.toHours());
        return hours < HOUR_BUCKETS ? (int) hours : (int) Math.min(Integer.MAX_VALUE, HOUR_BUCKETS + hours / 24 - 3);
    }

    /** The lowest duration of a bucket, in hours. */
    static long hoursOf(int bucket) {
        return bucket < HOUR_BUCKETS ? bucket : (bucket - HOUR_BUCKETS + 3) * 24L;
    }

    /** This histogram with {@code count} (negative to take away) more referrals in the bucket of {@code duration}. */
    Histogram plus(Duration duration, long count) {
        TreeMap<Integer, Long> next = new TreeMap<>(buckets);
        next.merge(bucketOf(duration), count, Long::sum);
        next.values().removeIf(v -> v == 0);
        return new Histogram(next);
    }

    Histogram plus(Histogram other) {
        TreeMap<Integer, Long> next = new TreeMap<>(buckets);
        other.buckets.forEach((bucket, count) -> next.merge(bucket, count, Long::sum));
        next.values().removeIf(v -> v == 0);
        return new Histogram(next);
    }

    /**
     * Sums histograms into one map as they come, instead of a new histogram per addition: what summing hundreds of
     * month rows needs (a dashboard of a large network adds thousands).
     */
    static final class Accumulator {
        /** Buckets up to about two and a half years are counted in an array, any later one in a map. */
        private static final int DENSE = 1024;
        private final long[] dense = new long[DENSE];
        private final TreeMap<Integer, Long> sparse = new TreeMap<>();

        void add(Histogram histogram) {
            histogram.buckets.forEach(this::add);
        }

        void add(Accumulator other) {
            for (int b = 0; b < DENSE; b++) {
                dense[b] += other.dense[b];
            }
            other.sparse.forEach(this::add);
        }

        private void add(int bucket, long count) {
            if (bucket >= 0 && bucket < DENSE) {
                dense[bucket] += count;
            } else {
                sparse.merge(bucket, count, Long::sum);
            }
        }

        /**
         * Adds a histogram straight from its jsonb text ({"5": 2, "80": 1}, as {@link #parse} reads it), building
         * neither a map nor a string per bucket: the dashboard and the network view add thousands of them.
         */
        void addJson(String json) {
            int n = json == null ? 0 : json.length();
            int i = 0;
            while (i < n && json.charAt(i) == ' ') {
                i++;
            }
            if (i >= n || json.charAt(i) != '{' || json.charAt(n - 1) != '}') {
                throw new IllegalArgumentException("not a histogram: " + json);
            }
            while (true) {
                int quote = json.indexOf('"', i);
                if (quote < 0) {
                    return;
                }
                int bucket = 0;
                i = quote + 1;
                for (char c; (c = json.charAt(i)) != '"'; i++) {
                    bucket = bucket * 10 + digit(c, json);
                }
                i = json.indexOf(':', i) + 1;
                while (json.charAt(i) == ' ') {
                    i++;
                }
                boolean negative = json.charAt(i) == '-';
                if (negative) {
                    i++;
                }
                long count = 0;
                for (char c; i < n && (c = json.charAt(i)) != ',' && c != '}' && c != ' '; i++) {
                    count = count * 10 + digit(c, json);
                }
                add(bucket, negative ? -count : count);
            }
        }

        private static int digit(char c, String json) {
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("not a histogram: " + json);
            }
            return c - '0';
        }

        Histogram histogram() {
            TreeMap<Integer, Long> kept = new TreeMap<>();
            for (int b = 0; b < DENSE; b++) {
                if (dense[b] != 0) {
                    kept.put(b, dense[b]);
                }
            }
            sparse.forEach((bucket, count) -> {
                if (count != 0) {
                    kept.put(bucket, count);
                }
            });
            return new Histogram(kept);
        }
    }

    long count() {
        return buckets.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * The nearest-rank percentile (0 < p <= 1) in hours: the bucket's lowest duration of the referral at rank
     * ceil(p * n). Null without referrals.
     */
    Long percentileHours(double p) {
        long n = count();
        if (n == 0) {
            return null;
        }
        long rank = Math.max(1, (long) Math.ceil(p * n - 1e-9));
        long seen = 0;
        for (Map.Entry<Integer, Long> e : buckets.entrySet()) {
            seen += e.getValue();
            if (seen >= rank) {
                return hoursOf(e.getKey());
            }
        }
        throw new IllegalStateException("unreachable: rank " + rank + " of " + n);
    }

    /** How many took less than {@code days} whole days. */
    long countUnder(int days) {
        long limitHours = days * 24L;
        return buckets.entrySet().stream().filter(e -> upperHoursOf(e.getKey()) <= limitHours)
                .mapToLong(Map.Entry::getValue).sum();
    }

    private static long upperHoursOf(int bucket) {
        return bucket < HOUR_BUCKETS ? bucket + 1L : hoursOf(bucket) + 24;
    }

    /** As the jsonb column holds it: {"5": 2, "80": 1}. */
    String json() {
        StringBuilder json = new StringBuilder("{");
        buckets.forEach((bucket, count) -> {
            if (json.length() > 1) {
                json.append(", ");
            }
            json.append('"').append(bucket).append("\": ").append(count);
        });
        return json.append('}').toString();
    }

    /** Reads the column back (PostgreSQL's own text of a jsonb object of integers). */
    static Histogram parse(String json) {
        String body = json == null ? "" : json.strip();
        if (body.length() < 2 || body.charAt(0) != '{' || body.charAt(body.length() - 1) != '}') {
            throw new IllegalArgumentException("not a histogram: " + json);
        }
        body = body.substring(1, body.length() - 1).strip();
        TreeMap<Integer, Long> buckets = new TreeMap<>();
        if (!body.isEmpty()) {
            for (String entry : body.split(",")) {
                String[] pair = entry.split(":");
                buckets.put(Integer.parseInt(pair[0].strip().replace("\"", "")), Long.parseLong(pair[1].strip()));
            }
        }
        return new Histogram(buckets);
    }
}
