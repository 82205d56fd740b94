package dev.careloop.query.analytics;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The partnerships an organisation is part of: the overview and the network view from the roll-up per pair and month
 * (analytics_pair_month), a partnership's detail from analytics_month (its services, priorities and goals), open loops
 * from analytics_referral. Every question names the caller's organisation, so no answer reaches another
 * organisation's pair.
 */
@Component
class PartnershipReadModel {

    static final String OUTGOING = "outgoing";
    static final String INCOMING = "incoming";

    private final JdbcTemplate jdbc;

    PartnershipReadModel(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A partnership over a period: referrals each way, their balance and reciprocity, and the measures each way. */
    record Partnership(String partner, int sent, int received, int balance, Double reciprocity,
                       Double loopClosureRate, Measures outgoing, Measures incoming) {
    }

    record Overview(String organisation, String from, String to, int targetDays, List<Partnership> partnerships) {
    }

    /**
     * One partnership of the network, seen from {@code organisation} (the first of the two by id): the same figures
     * as {@link Partnership}, with both organisations named.
     */
    record NetworkPartnership(String organisation, String partner, int sent, int received, int balance,
                              Double reciprocity, Double loopClosureRate, Measures outgoing, Measures incoming) {
    }

    /** Every partnership of the network (the platform's view). */
    record Network(String scope, String from, String to, int targetDays, List<NetworkPartnership> partnerships) {
    }

    record MonthLine(String month, String direction, Measures measures) {
    }

    record ServiceLine(String service, String direction, Measures measures) {
    }

    record Detail(String organisation, String partner, String from, String to, int targetDays,
                  Partnership total, List<MonthLine> months, List<ServiceLine> services,
                  List<GoalEvaluation.Result> goals) {
    }

    record OpenLoop(String referralId, String direction, String service, String priority, Instant sentAt,
                    long ageDays, String stage, String referral) {
    }

    record OpenLoops(String organisation, String partner, int targetDays, Instant sentBefore, long total,
                     List<OpenLoop> items) {
    }

    /** One analytics_month row as the caller sees it: which way it went. */
    record Line(String direction, String partner, AnalyticsMonth month) {
    }

    /** Which referrals of a partnership to count: one service, one priority, or (null) all of them. */
    record Slice(String service, String priority) {
        static final Slice ALL = new Slice(null, null);

        /**
         * A referral names its service by the directory's code or name, in any case (the command side takes
         * either): this condition on analytics_month.service matches both, with the asked service as its 5
         * parameters ({@link #serviceArgs}).
         */
        static final String SERVICE_MATCH = "lower(service) IN (SELECT lower(?) UNION"
                + " SELECT lower(code) FROM organisation_service WHERE lower(code) = lower(?) OR lower(name) = lower(?)"
                + " UNION SELECT lower(name) FROM organisation_service WHERE lower(code) = lower(?)"
                + " OR lower(name) = lower(?))";

        static List<Object> serviceArgs(String service) {
            return List.of(service, service, service, service, service);
        }
    }

    /**
     * The caller's partnerships over the period, from the roll-up (analytics_pair_month): a row per partner,
     * direction and month, whatever the services and priorities behind it.
     */
    Overview overview(String organisation, YearMonth from, YearMonth to, int targetDays) {
        Map<String, Sides> byPartner = new TreeMap<>();
        jdbc.query("SELECT * FROM analytics_pair_month WHERE referrals > 0 AND month BETWEEN ? AND ?"
                        + " AND (sender_org = ? OR recipient_org = ?) AND sender_org <> recipient_org",
                rs -> {
                    boolean outgoing = rs.getString("sender_org").equals(organisation);
                    String partner = rs.getString(outgoing ? "recipient_org" : "sender_org");
                    byPartner.computeIfAbsent(partner, p -> new Sides()).side(outgoing).add(rs);
                }, from.atDay(1), to.atDay(1), organisation, organisation);
        List<Partnership> partnerships = new ArrayList<>();
        byPartner.forEach((partner, sides) -> partnerships.add(sides.partnership(partner, targetDays)));
        return new Overview(organisation, from.toString(), to.toString(), targetDays, partnerships);
    }

    /**
     * Every pair of organisations that exchanged a referral in the period, each once, seen from the first of the two
     * by id; from the roll-up (a row per pair and month).
     */
    Network network(YearMonth from, YearMonth to, int targetDays) {
        Map<String, Map<String, Sides>> byPair = new TreeMap<>();
        jdbc.query("SELECT * FROM analytics_pair_month WHERE referrals > 0 AND month BETWEEN ? AND ?"
                + " AND sender_org <> recipient_org",
                rs -> {
                    String sender = rs.getString("sender_org");
                    String recipient = rs.getString("recipient_org");
                    boolean senderFirst = sender.compareTo(recipient) < 0;
                    String first = senderFirst ? sender : recipient;
                    String second = senderFirst ? recipient : sender;
                    byPair.computeIfAbsent(first, f -> new TreeMap<>()).computeIfAbsent(second, s -> new Sides())
                            .side(senderFirst).add(rs);
                }, from.atDay(1), to.atDay(1));
        List<NetworkPartnership> pairs = new ArrayList<>();
        byPair.forEach((first, partners) -> partners.forEach((second, sides) -> {
            Partnership p = sides.partnership(second, targetDays);
            pairs.add(new NetworkPartnership(first, second, p.sent(), p.received(), p.balance(), p.reciprocity(),
                    p.loopClosureRate(), p.outgoing(), p.incoming()));
        }));
        return new Network("network", from.toString(), to.toString(), targetDays, pairs);
    }

    /** Null when the two organisations never exchanged a referral. */
    Detail detail(String organisation, String partner, YearMonth from, YearMonth to, int targetDays) {
        return detail(organisation, partner, from, to, targetDays, Slice.ALL);
    }

    /** Null when the two organisations never exchanged a referral; the figures of the slice's referrals only. */
    Detail detail(String organisation, String partner, YearMonth from, YearMonth to, int targetDays, Slice slice) {
        if (!exists(organisation, partner)) {
            return null;
        }
        List<Line> lines = lines(organisation, partner, from, to, slice);
        return new Detail(organisation, partner, from.toString(), to.toString(), targetDays,
                partnership(partner, lines, targetDays),
                grouped(lines, l -> YearMonth.from(l.month().key().month()).toString(), targetDays).entrySet().stream()
                        .map(e -> new MonthLine(e.getKey().name(), e.getKey().direction(), e.getValue())).toList(),
                grouped(lines, l -> l.month().key().service(), targetDays).entrySet().stream()
                        .map(e -> new ServiceLine(e.getKey().name(), e.getKey().direction(), e.getValue())).toList(),
                goalRows(organisation, partner).stream().filter(PartnershipGoalRow::active)
                        .map(g -> GoalEvaluation.evaluate(g, organisation, lines, from, to)).toList());
    }

    /** The goals of the partnership, set by either organisation, active and withdrawn, oldest first. */
    List<PartnershipGoalRow> goalRows(String organisation, String partner) {
        return jdbc.query("SELECT * FROM partnership_goal WHERE (organisation = ? AND partner_org = ?)"
                        + " OR (organisation = ? AND partner_org = ?) ORDER BY set_at, goal_id",
                (rs, n) -> PartnershipGoalRow.TABLE.reader().read(rs), organisation, partner, partner, organisation);
    }

    /** The goals of the partnership as the caller sees them; null when there is no such partnership. */
    List<dev.careloop.api.partnership.PartnershipGoalView> goals(String organisation, String partner) {
        if (!exists(organisation, partner)) {
            return null;
        }
        return goalRows(organisation, partner).stream().map(g -> g.view(organisation)).toList();
    }

    /** One goal as {@code organisation} sees it, if it is one of the goal's partnership. */
    java.util.Optional<dev.careloop.api.partnership.PartnershipGoalView> goal(String goalId, String organisation) {
        return jdbc.query("SELECT * FROM partnership_goal WHERE goal_id = ?",
                        (rs, n) -> PartnershipGoalRow.TABLE.reader().read(rs), goalId).stream()
                .filter(g -> g.partyIs(organisation)).findFirst().map(g -> g.view(organisation));
    }

    /** The measures of some month rows summed. */
    static Measures measuresOf(List<Line> lines, int targetDays) {
        Sum sum = new Sum();
        lines.forEach(l -> sum.add(l.month()));
        return sum.measures(targetDays);
    }

    /** The rows behind the detail, one per direction, service, priority and month (the CSV download). */
    List<Line> rows(String organisation, String partner, YearMonth from, YearMonth to) {
        return rows(organisation, partner, from, to, Slice.ALL);
    }

    List<Line> rows(String organisation, String partner, YearMonth from, YearMonth to, Slice slice) {
        return exists(organisation, partner) ? lines(organisation, partner, from, to, slice) : null;
    }

    /** Null when the two organisations never exchanged a referral. */
    OpenLoops openLoops(String organisation, String partner, int targetDays, Instant now, int page, int size) {
        if (!exists(organisation, partner)) {
            return null;
        }
        Instant sentBefore = now.minusSeconds(targetDays * 86400L);
        String where = " FROM analytics_referral WHERE ((sender_org = ? AND recipient_org = ?)"
                + " OR (sender_org = ? AND recipient_org = ?)) AND acknowledged_at IS NULL AND declined_at IS NULL"
                + " AND cancelled_at IS NULL AND sent_at < ?";
        Object[] args = {organisation, partner, partner, organisation, Timestamp.from(sentBefore)};
        Long total = jdbc.queryForObject("SELECT count(*)" + where, Long.class, args);
        List<Object> paged = new ArrayList<>(List.of(args));
        paged.add(size);
        paged.add((long) page * size);
        List<OpenLoop> items = jdbc.query("SELECT *" + where + " ORDER BY sent_at, referral_id LIMIT ? OFFSET ?",
                (rs, n) -> {
                    AnalyticsReferral r = AnalyticsReferral.TABLE.reader().read(rs);
                    return new OpenLoop(r.referralId(), r.senderOrg().equals(organisation) ? OUTGOING : INCOMING,
                            r.service(), r.priority(), r.sentAt(),
                            java.time.Duration.between(r.sentAt(), now).toDays(), stage(r),
                            "/api/referrals/" + r.referralId());
                }, paged.toArray());
        return new OpenLoops(organisation, partner, targetDays, sentBefore, total == null ? 0 : total, items);
    }

    /** Where an open loop waits, in the words of the worklist. */
    static String stage(AnalyticsReferral r) {
        if (r.holdStartedAt() != null) {
            return "on hold for information";
        }
        if (r.outcomeAt() != null) {
            return "outcome sent, awaiting acknowledgement";
        }
        if (r.seenAt() != null) {
            return "seen, awaiting outcome";
        }
        if (r.firstBookedAt() != null) {
            return "visit booked";
        }
        if (r.acceptedAt() != null) {
            return "accepted, awaiting booking";
        }
        return "awaiting triage";
    }

    private boolean exists(String organisation, String partner) {
        if (organisation.equals(partner)) {
            return false;
        }
        // Referrals exchanged, or a goal set by either of the two.
        return Boolean.TRUE.equals(jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM analytics_month WHERE referrals > 0"
                        + " AND ((sender_org = ? AND recipient_org = ?) OR (sender_org = ? AND recipient_org = ?)))"
                        + " OR EXISTS (SELECT 1 FROM partnership_goal WHERE (organisation = ? AND partner_org = ?)"
                        + " OR (organisation = ? AND partner_org = ?))",
                Boolean.class, organisation, partner, partner, organisation, organisation, partner, partner,
                organisation));
    }

    /** The caller's month rows in the period with one partner, of a slice. */
    private List<Line> lines(String organisation, String partner, YearMonth from, YearMonth to, Slice slice) {
        String sql = "SELECT * FROM analytics_month WHERE referrals > 0 AND month BETWEEN ? AND ? AND "
                + "((sender_org = ? AND recipient_org = ?) OR (sender_org = ? AND recipient_org = ?))"
                + (slice.service() == null ? "" : " AND " + Slice.SERVICE_MATCH)
                + (slice.priority() == null ? "" : " AND priority = ?")
                + " ORDER BY month, sender_org, recipient_org, service, priority";
        List<Object> args = new ArrayList<>(List.of(from.atDay(1), to.atDay(1)));
        args.addAll(List.of(organisation, partner, partner, organisation));
        if (slice.service() != null) {
            args.addAll(Slice.serviceArgs(slice.service()));
        }
        if (slice.priority() != null) {
            args.add(slice.priority());
        }
        return jdbc.query(sql, (rs, n) -> line(organisation, AnalyticsMonth.TABLE.reader().read(rs)), args.toArray());
    }

    /** A row as {@code organisation} sees it: which way it went, and the other organisation. */
    private static Line line(String organisation, AnalyticsMonth m) {
        boolean outgoing = m.key().senderOrg().equals(organisation);
        return new Line(outgoing ? OUTGOING : INCOMING, outgoing ? m.key().recipientOrg() : m.key().senderOrg(), m);
    }

    private static Partnership partnership(String partner, List<Line> lines, int targetDays) {
        Sides sides = new Sides();
        for (Line line : lines) {
            sides.side(line.direction().equals(OUTGOING)).add(line.month());
        }
        return sides.partnership(partner, targetDays);
    }

    /** A partnership's rows summed each way, as the caller sees it. */
    private static final class Sides {
        private final Sum outgoing = new Sum();
        private final Sum incoming = new Sum();

        Sum side(boolean out) {
            return out ? outgoing : incoming;
        }

        /** Referrals each way, balance, reciprocity, the measures each way, and loop closure both ways together. */
        Partnership partnership(String partner, int targetDays) {
            Measures out = outgoing.measures(targetDays);
            Measures in = incoming.measures(targetDays);
            int sent = out.referrals();
            int received = in.referrals();
            int most = Math.max(sent, received);
            Sum both = new Sum();
            both.add(outgoing);
            both.add(incoming);
            return new Partnership(partner, sent, received, sent - received,
                    most == 0 ? null : Measures.rate(Math.min(sent, received), most),
                    both.measures(targetDays).loopClosureRate(), out, in);
        }
    }

    private record Group(String name, String direction) {
    }

    private static Map<Group, Measures> grouped(List<Line> lines, Function<Line, String> name, int targetDays) {
        Map<Group, Sum> sums = new TreeMap<>(Comparator.comparing(Group::name).thenComparing(Group::direction));
        for (Line line : lines) {
            sums.computeIfAbsent(new Group(name.apply(line), line.direction()), g -> new Sum()).add(line.month());
        }
        Map<Group, Measures> measures = new LinkedHashMap<>();
        sums.forEach((group, sum) -> measures.put(group, sum.measures(targetDays)));
        return measures;
    }

    /**
     * Sums month rows: the counts row by row, each turnaround distribution into one accumulator (a new histogram per
     * row added made the dashboard of a network of a million referrals spend its time copying maps); rows read
     * straight from a result set add their histograms from the jsonb text, building no map per row.
     */
    private static final class Sum {
        private AnalyticsMonth.Counts counts = AnalyticsMonth.Counts.NONE;
        private final Histogram.Accumulator[] turnarounds = new Histogram.Accumulator[7];

        Sum() {
            for (int i = 0; i < turnarounds.length; i++) {
                turnarounds[i] = new Histogram.Accumulator();
            }
        }

        void add(AnalyticsMonth month) {
            counts = counts.plus(month.counts(), 1);
            AnalyticsMonth.Turnarounds t = month.turnarounds();
            List<Histogram> histograms = List.of(t.triage(), t.booked(), t.seen(), t.outcome(), t.acknowledge(),
                    t.closed(), t.slot());
            for (int i = 0; i < turnarounds.length; i++) {
                turnarounds[i].add(histograms.get(i));
            }
        }

        /** A row of analytics_month or analytics_pair_month at the result set's cursor. */
        void add(java.sql.ResultSet rs) throws java.sql.SQLException {
            counts = counts.plus(AnalyticsMonth.countsOf(rs), 1);
            for (int i = 0; i < turnarounds.length; i++) {
                turnarounds[i].addJson(rs.getString(AnalyticsMonth.HISTOGRAM_COLUMNS.get(i)));
            }
        }

        void add(Sum other) {
            counts = counts.plus(other.counts, 1);
            for (int i = 0; i < turnarounds.length; i++) {
                turnarounds[i].add(other.turnarounds[i]);
            }
        }

        Measures measures(int targetDays) {
            return Measures.of(counts, new AnalyticsMonth.Turnarounds(turnarounds[0].histogram(),
                    turnarounds[1].histogram(), turnarounds[2].histogram(), turnarounds[3].histogram(),
                    turnarounds[4].histogram(), turnarounds[5].histogram(), turnarounds[6].histogram()), targetDays);
        }
    }
}
