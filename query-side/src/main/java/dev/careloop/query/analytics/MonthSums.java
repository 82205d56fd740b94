package dev.careloop.query.analytics;

import org.springframework.jdbc.core.JdbcTemplate;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * analytics_month rows summed by PostgreSQL, by whatever the caller groups them by (partner and direction for the
 * dashboard, say): the counts summed, and each jsonb histogram and tally summed bucket by bucket into one object
 * per group. A dashboard of a network of a million referrals reads a few dozen summed rows instead of ~2,000 month
 * rows of nine jsonb maps each (about 2 MB the application parsed and added up on every request). The sums are
 * the ones {@link AnalyticsMonth.Counts#plus} and {@link Histogram.Accumulator} make of the same rows (tested).
 */
final class MonthSums {

    /** The summed jsonb columns (the histograms and the reason tallies). */
    static final List<String> DOCUMENTS = List.of("triage_hist", "booked_hist", "seen_hist", "outcome_hist",
            "acknowledge_hist", "closed_hist", "slot_hist", "declined_by_category", "forwarded_by_category");

    private static final List<String> COUNTS = List.of("referrals", "accepted", "declined", "forwarded", "cancelled",
            "booked", "seen", "outcomes", "acknowledged", "sla_met", "sla_missed", "no_shows", "reschedules", "held",
            "hold_seconds", "visits_cancelled", "visits_cancelled_by_sender", "visits_cancelled_by_recipient",
            "leaked");

    /** One group's sums: the values of its grouping expressions, in order, and what its rows add up to. */
    record Group(List<String> by, AnalyticsMonth.Counts counts, AnalyticsMonth.Turnarounds turnarounds) {

        String by(int i) {
            return by.get(i);
        }
    }

    private MonthSums() {
    }

    /**
     * The rows of analytics_month matching {@code where} (with {@code args}), summed per value of {@code groupBy}
     * (SQL expressions over the table's columns, each giving text), ordered by them. Only {@code documents} of the
     * jsonb columns are summed; the others come back empty (the soonest ranking needs two of nine).
     */
    static List<Group> sum(JdbcTemplate jdbc, List<String> groupBy, String where, List<Object> args,
                           List<String> documents) {
        List<String> g = new ArrayList<>();
        for (int i = 0; i < groupBy.size(); i++) {
            g.add("g" + i);
        }
        String groups = String.join(", ", g);
        StringBuilder sql = new StringBuilder("WITH m AS MATERIALIZED (SELECT ");
        for (int i = 0; i < groupBy.size(); i++) {
            sql.append(groupBy.get(i)).append(" AS g").append(i).append(", ");
        }
        sql.append("* FROM analytics_month WHERE ").append(where).append("),\n c AS (SELECT ").append(groups);
        for (String count : COUNTS) {
            sql.append(", sum(").append(count).append(")::bigint AS ").append(count);
        }
        sql.append(" FROM m GROUP BY ").append(groups).append(")");
        if (!documents.isEmpty()) {
            // Bucket by bucket: one row per group, document and key, then one object per group and document.
            sql.append(",\n d AS (SELECT ").append(groups).append(", doc, jsonb_object_agg(key, n) AS sums FROM (")
                    .append("SELECT ").append(groups).append(", v.doc, e.key, sum(e.value::bigint) AS n FROM m")
                    .append(" CROSS JOIN LATERAL (VALUES ")
                    .append(documents.stream().map(doc -> "('" + doc + "', m." + doc + ")")
                            .collect(Collectors.joining(", ")))
                    .append(") v(doc, body) CROSS JOIN LATERAL jsonb_each_text(v.body) e")
                    .append(" GROUP BY ").append(groups).append(", v.doc, e.key HAVING sum(e.value::bigint) <> 0")
                    .append(") b GROUP BY ").append(groups).append(", doc),\n o AS (SELECT ").append(groups)
                    .append(", jsonb_object_agg(doc, sums) AS docs FROM d GROUP BY ").append(groups).append(")");
        }
        sql.append("\nSELECT c.*");
        for (String doc : DOCUMENTS) {
            sql.append(documents.contains(doc) ? ", coalesce(o.docs -> '" + doc + "', '{}')::text AS " + doc
                    : ", '{}' AS " + doc);
        }
        sql.append(" FROM c").append(documents.isEmpty() ? "" : " LEFT JOIN o USING (" + groups + ")")
                .append(" ORDER BY ").append(groups.replace("g", "c.g"));
        return jdbc.query(sql.toString(), (rs, n) -> {
            List<String> by = new ArrayList<>();
            for (String column : g) {
                by.add(rs.getString(column));
            }
            return new Group(by, AnalyticsMonth.countsOf(rs), AnalyticsMonth.turnaroundsOf(rs));
        }, args.toArray());
    }
}
