package dev.careloop.query.analytics;

import dev.careloop.query.replay.RowTable;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;

/**
 * The referrals one organisation sent another for one service and priority in one month (UTC), summed: what each
 * referral of analytics_referral contributes, kept up to date by taking a referral's old contribution away and adding
 * its new one whenever it changes, so the row always equals the sum over its referrals (and a rebuild writes it
 * again exactly).
 */
record AnalyticsMonth(Key key, Counts counts, Turnarounds turnarounds) {

    record Key(String senderOrg, String recipientOrg, String service, String priority, LocalDate month) {
    }

    record Counts(int referrals, int accepted, int declined, int forwarded, int cancelled, int booked, int seen,
                  int outcomes, int acknowledged, int slaMet, int slaMissed, int noShows, int reschedules, int held,
                  long holdSeconds, int visitsCancelled, int visitsCancelledBySender, int visitsCancelledByRecipient,
                  int leaked, Tally declinedByCategory, Tally forwardedByCategory) {

        static final Counts NONE = new Counts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Tally.EMPTY,
                Tally.EMPTY);

        static Counts of(AnalyticsReferral r) {
            return new Counts(1, one(r.acceptedAt() != null), one(r.declinedAt() != null), one(r.forwards() > 0),
                    one(r.cancelledAt() != null), one(r.firstBookedAt() != null), one(r.seenAt() != null),
                    one(r.outcomeAt() != null), one(r.acknowledgedAt() != null), one(r.slaMet()),
                    one(r.slaMissed()), r.noShows(), r.reschedules(),
                    one(r.holdSeconds() > 0 || r.holdStartedAt() != null), r.holdSeconds(), r.visitsCancelled(),
                    r.visitsCancelledBySender(), r.visitsCancelledByRecipient(), one(r.leaked()),
                    r.declinedAt() == null ? Tally.EMPTY : Tally.EMPTY.plus(r.declineCategory(), 1),
                    r.forwardCategories());
        }

        Counts plus(Counts o, int sign) {
            return new Counts(referrals + sign * o.referrals, accepted + sign * o.accepted,
                    declined + sign * o.declined, forwarded + sign * o.forwarded, cancelled + sign * o.cancelled,
                    booked + sign * o.booked, seen + sign * o.seen, outcomes + sign * o.outcomes,
                    acknowledged + sign * o.acknowledged, slaMet + sign * o.slaMet, slaMissed + sign * o.slaMissed,
                    noShows + sign * o.noShows, reschedules + sign * o.reschedules, held + sign * o.held,
                    holdSeconds + sign * o.holdSeconds, visitsCancelled + sign * o.visitsCancelled,
                    visitsCancelledBySender + sign * o.visitsCancelledBySender,
                    visitsCancelledByRecipient + sign * o.visitsCancelledByRecipient, leaked + sign * o.leaked,
                    declinedByCategory.plus(o.declinedByCategory, sign),
                    forwardedByCategory.plus(o.forwardedByCategory, sign));
        }

        private static int one(boolean yes) {
            return yes ? 1 : 0;
        }
    }

    /**
     * The turnaround distributions: sent to accepted (triage), to the first visit booked, to the first visit the
     * patient came to (seen), to the outcome; outcome to acknowledged; sent to acknowledged (the loop closed).
     */
    record Turnarounds(Histogram triage, Histogram booked, Histogram seen, Histogram outcome, Histogram acknowledge,
                       Histogram closed, Histogram slot) {

        static final Turnarounds NONE = new Turnarounds(Histogram.EMPTY, Histogram.EMPTY, Histogram.EMPTY,
                Histogram.EMPTY, Histogram.EMPTY, Histogram.EMPTY, Histogram.EMPTY);

        static Turnarounds of(AnalyticsReferral r) {
            return NONE.plus(r, 1);
        }

        Turnarounds plus(AnalyticsReferral r, int sign) {
            return new Turnarounds(add(triage, AnalyticsReferral.between(r.sentAt(), r.acceptedAt()), sign),
                    add(booked, AnalyticsReferral.between(r.sentAt(), r.firstBookedAt()), sign),
                    add(seen, AnalyticsReferral.between(r.sentAt(), r.seenAt()), sign),
                    add(outcome, AnalyticsReferral.between(r.sentAt(), r.outcomeAt()), sign),
                    add(acknowledge, AnalyticsReferral.between(r.outcomeAt(), r.acknowledgedAt()), sign),
                    add(closed, AnalyticsReferral.between(r.sentAt(), r.acknowledgedAt()), sign),
                    add(slot, AnalyticsReferral.between(r.sentAt(), r.firstSlotAt()), sign));
        }

        Turnarounds plus(Turnarounds o) {
            return new Turnarounds(triage.plus(o.triage), booked.plus(o.booked), seen.plus(o.seen),
                    outcome.plus(o.outcome), acknowledge.plus(o.acknowledge), closed.plus(o.closed),
                    slot.plus(o.slot));
        }

        /** Many rows' turnarounds summed, each distribution accumulated in one map. */
        static Turnarounds sum(Iterable<AnalyticsMonth> months) {
            Histogram.Accumulator[] h = new Histogram.Accumulator[7];
            for (int i = 0; i < h.length; i++) {
                h[i] = new Histogram.Accumulator();
            }
            for (AnalyticsMonth m : months) {
                Turnarounds t = m.turnarounds();
                h[0].add(t.triage);
                h[1].add(t.booked);
                h[2].add(t.seen);
                h[3].add(t.outcome);
                h[4].add(t.acknowledge);
                h[5].add(t.closed);
                h[6].add(t.slot);
            }
            return new Turnarounds(h[0].histogram(), h[1].histogram(), h[2].histogram(), h[3].histogram(),
                    h[4].histogram(), h[5].histogram(), h[6].histogram());
        }

        private static Histogram add(Histogram histogram, Duration duration, int sign) {
            return duration == null ? histogram : histogram.plus(duration, sign);
        }
    }

    /** A month row per ordered pair of organisations, service, priority and month sent. */
    static final RowTable<AnalyticsMonth> TABLE = table("analytics_month", true);
    /**
     * The roll-up: a row per ordered pair of organisations and month sent, over all services and priorities (the
     * key's service and priority are {@link #ALL}); what the dashboard and the network view read.
     */
    static final RowTable<AnalyticsMonth> PAIR_TABLE = table("analytics_pair_month", false);
    /** The service and priority of a roll-up row: all of them. */
    static final String ALL = "";

    private static RowTable<AnalyticsMonth> table(String name, boolean bySlice) {
        RowTable.Builder<AnalyticsMonth> table = RowTable.<AnalyticsMonth>named(name)
                .column("sender_org", m -> m.key.senderOrg)
                .column("recipient_org", m -> m.key.recipientOrg);
        if (bySlice) {
            table.column("service", m -> m.key.service).column("priority", m -> m.key.priority);
        }
        return table.column("month", m -> m.key.month)
                .column("referrals", m -> m.counts.referrals)
                .column("accepted", m -> m.counts.accepted)
                .column("declined", m -> m.counts.declined)
                .column("forwarded", m -> m.counts.forwarded)
                .column("cancelled", m -> m.counts.cancelled)
                .column("booked", m -> m.counts.booked)
                .column("seen", m -> m.counts.seen)
                .column("outcomes", m -> m.counts.outcomes)
                .column("acknowledged", m -> m.counts.acknowledged)
                .column("sla_met", m -> m.counts.slaMet)
                .column("sla_missed", m -> m.counts.slaMissed)
                .column("no_shows", m -> m.counts.noShows)
                .column("reschedules", m -> m.counts.reschedules)
                .column("held", m -> m.counts.held)
                .column("hold_seconds", m -> m.counts.holdSeconds)
                .column("visits_cancelled", m -> m.counts.visitsCancelled)
                .column("visits_cancelled_by_sender", m -> m.counts.visitsCancelledBySender)
                .column("visits_cancelled_by_recipient", m -> m.counts.visitsCancelledByRecipient)
                .column("leaked", m -> m.counts.leaked)
                .json("declined_by_category", m -> m.counts.declinedByCategory.json())
                .json("forwarded_by_category", m -> m.counts.forwardedByCategory.json())
                .json("triage_hist", m -> m.turnarounds.triage.json())
                .json("booked_hist", m -> m.turnarounds.booked.json())
                .json("seen_hist", m -> m.turnarounds.seen.json())
                .json("outcome_hist", m -> m.turnarounds.outcome.json())
                .json("acknowledge_hist", m -> m.turnarounds.acknowledge.json())
                .json("closed_hist", m -> m.turnarounds.closed.json())
                .json("slot_hist", m -> m.turnarounds.slot.json())
                .key(bySlice ? new String[]{"sender_org", "recipient_org", "service", "priority", "month"}
                        : new String[]{"sender_org", "recipient_org", "month"})
                .reader(rs -> new AnalyticsMonth(
                        new Key(rs.getString("sender_org"), rs.getString("recipient_org"),
                                bySlice ? rs.getString("service") : ALL, bySlice ? rs.getString("priority") : ALL,
                                rs.getObject("month", LocalDate.class)),
                        countsOf(rs),
                        new Turnarounds(Histogram.parse(rs.getString("triage_hist")),
                                Histogram.parse(rs.getString("booked_hist")),
                                Histogram.parse(rs.getString("seen_hist")),
                                Histogram.parse(rs.getString("outcome_hist")),
                                Histogram.parse(rs.getString("acknowledge_hist")),
                                Histogram.parse(rs.getString("closed_hist")),
                                Histogram.parse(rs.getString("slot_hist")))));
    }

    /** The histogram columns, in the order of {@link Turnarounds}'s components. */
    static final List<String> HISTOGRAM_COLUMNS = List.of("triage_hist", "booked_hist", "seen_hist", "outcome_hist",
            "acknowledge_hist", "closed_hist", "slot_hist");

    /** The counts of a row of either table (its tallies parsed; the histograms are left to the caller). */
    static Counts countsOf(ResultSet rs) throws SQLException {
        return new Counts(rs.getInt("referrals"), rs.getInt("accepted"), rs.getInt("declined"),
                rs.getInt("forwarded"), rs.getInt("cancelled"), rs.getInt("booked"), rs.getInt("seen"),
                rs.getInt("outcomes"), rs.getInt("acknowledged"), rs.getInt("sla_met"), rs.getInt("sla_missed"),
                rs.getInt("no_shows"), rs.getInt("reschedules"), rs.getInt("held"), rs.getLong("hold_seconds"),
                rs.getInt("visits_cancelled"), rs.getInt("visits_cancelled_by_sender"),
                rs.getInt("visits_cancelled_by_recipient"), rs.getInt("leaked"),
                Tally.parse(rs.getString("declined_by_category")), Tally.parse(rs.getString("forwarded_by_category")));
    }

    static Key keyOf(AnalyticsReferral r) {
        return new Key(r.senderOrg(), r.recipientOrg(), r.service(), r.priority(), r.month());
    }

    /** The key of the referral's roll-up row: its pair and month, every service and priority. */
    static Key pairKeyOf(AnalyticsReferral r) {
        return new Key(r.senderOrg(), r.recipientOrg(), ALL, ALL, r.month());
    }

    static AnalyticsMonth empty(Key key) {
        return new AnalyticsMonth(key, Counts.NONE, Turnarounds.NONE);
    }

    /** This month with the referral's contribution added ({@code sign} 1) or taken away (-1). */
    AnalyticsMonth plus(AnalyticsReferral r, int sign) {
        return new AnalyticsMonth(key, counts.plus(Counts.of(r), sign), turnarounds.plus(r, sign));
    }
}
