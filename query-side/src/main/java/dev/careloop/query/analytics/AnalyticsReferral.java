package dev.careloop.query.analytics;

import dev.careloop.query.replay.RowTable;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

import static dev.careloop.query.replay.RowValues.instant;
import static dev.careloop.query.replay.RowValues.stored;

/**
 * What analytics knows of one referral: its parties, service and priority, and when each step first happened. No
 * clinical text and nothing that names the patient. {@code version} is the sequence number of its last event applied.
 */
record AnalyticsReferral(String referralId, long version, String senderOrg, String recipientOrg, String service,
                         String priority, Instant sentAt, Instant slaDueAt, Instant acceptedAt, Instant declinedAt,
                         Instant firstBookedAt, Instant seenAt, Instant outcomeAt, Instant acknowledgedAt,
                         Instant cancelledAt, int forwards, int reschedules, int noShows, boolean slaMissed,
                         Instant holdStartedAt, long holdSeconds) {

    static final RowTable<AnalyticsReferral> TABLE = RowTable.<AnalyticsReferral>named("analytics_referral")
            .column("referral_id", AnalyticsReferral::referralId)
            .column("version", AnalyticsReferral::version)
            .column("sender_org", AnalyticsReferral::senderOrg)
            .column("recipient_org", AnalyticsReferral::recipientOrg)
            .column("service", AnalyticsReferral::service)
            .column("priority", AnalyticsReferral::priority)
            .column("sent_at", AnalyticsReferral::sentAt)
            .column("sla_due_at", AnalyticsReferral::slaDueAt)
            .column("accepted_at", AnalyticsReferral::acceptedAt)
            .column("declined_at", AnalyticsReferral::declinedAt)
            .column("first_booked_at", AnalyticsReferral::firstBookedAt)
            .column("seen_at", AnalyticsReferral::seenAt)
            .column("outcome_at", AnalyticsReferral::outcomeAt)
            .column("acknowledged_at", AnalyticsReferral::acknowledgedAt)
            .column("cancelled_at", AnalyticsReferral::cancelledAt)
            .column("forwards", AnalyticsReferral::forwards)
            .column("reschedules", AnalyticsReferral::reschedules)
            .column("no_shows", AnalyticsReferral::noShows)
            .column("sla_missed", AnalyticsReferral::slaMissed)
            .column("hold_started_at", AnalyticsReferral::holdStartedAt)
            .column("hold_seconds", AnalyticsReferral::holdSeconds)
            .key("referral_id")
            .reader(rs -> new AnalyticsReferral(rs.getString("referral_id"), rs.getLong("version"),
                    rs.getString("sender_org"), rs.getString("recipient_org"), rs.getString("service"),
                    rs.getString("priority"), instant(rs, "sent_at"), instant(rs, "sla_due_at"),
                    instant(rs, "accepted_at"), instant(rs, "declined_at"), instant(rs, "first_booked_at"),
                    instant(rs, "seen_at"), instant(rs, "outcome_at"), instant(rs, "acknowledged_at"),
                    instant(rs, "cancelled_at"), rs.getInt("forwards"), rs.getInt("reschedules"),
                    rs.getInt("no_shows"), rs.getBoolean("sla_missed"), instant(rs, "hold_started_at"),
                    rs.getLong("hold_seconds")));

    static AnalyticsReferral sent(String referralId, long version, String senderOrg, String recipientOrg,
                                  String service, String priority, Instant sentAt, Instant slaDueAt) {
        return new AnalyticsReferral(referralId, version, senderOrg, recipientOrg, service, priority, stored(sentAt),
                stored(slaDueAt), null, null, null, null, null, null, null, 0, 0, 0, false, null, 0);
    }

    /** The month (UTC) the referral was sent: every measure of it counts there. */
    LocalDate month() {
        return sentAt.atZone(ZoneOffset.UTC).toLocalDate().withDayOfMonth(1);
    }

    /** Triaged by the recipient: accepted or declined, whichever came first. */
    Instant triagedAt() {
        if (acceptedAt == null) {
            return declinedAt;
        }
        return declinedAt == null || acceptedAt.isBefore(declinedAt) ? acceptedAt : declinedAt;
    }

    boolean slaMet() {
        Instant triaged = triagedAt();
        return triaged != null && slaDueAt != null && !triaged.isAfter(slaDueAt);
    }

    /** Neither declined nor cancelled: a loop that should close. */
    boolean expectsOutcome() {
        return declinedAt == null && cancelledAt == null;
    }

    static Duration between(Instant from, Instant to) {
        return from == null || to == null ? null : Duration.between(from, to);
    }

    AnalyticsReferral at(long sequence) {
        return new AnalyticsReferral(referralId, sequence, senderOrg, recipientOrg, service, priority, sentAt,
                slaDueAt, acceptedAt, declinedAt, firstBookedAt, seenAt, outcomeAt, acknowledgedAt, cancelledAt,
                forwards, reschedules, noShows, slaMissed, holdStartedAt, holdSeconds);
    }

    AnalyticsReferral accepted(Instant at) {
        return acceptedAt != null ? this : new AnalyticsReferral(referralId, version, senderOrg, recipientOrg,
                service, priority, sentAt, slaDueAt, stored(at), declinedAt, firstBookedAt, seenAt, outcomeAt,
                acknowledgedAt, cancelledAt, forwards, reschedules, noShows, slaMissed, holdStartedAt, holdSeconds);
    }

    AnalyticsReferral declined(Instant at) {
        return declinedAt != null ? this : new AnalyticsReferral(referralId, version, senderOrg, recipientOrg,
                service, priority, sentAt, slaDueAt, acceptedAt, stored(at), firstBookedAt, seenAt, outcomeAt,
                acknowledgedAt, cancelledAt, forwards, reschedules, noShows, slaMissed, holdStartedAt, holdSeconds);
    }

    /** Handed to another organisation, now its recipient (and the one whose triage counts). */
    AnalyticsReferral forwardedTo(String organisation) {
        return new AnalyticsReferral(referralId, version, senderOrg, organisation, service, priority, sentAt,
                slaDueAt, null, declinedAt, firstBookedAt, seenAt, outcomeAt, acknowledgedAt, cancelledAt,
                forwards + 1, reschedules, noShows, slaMissed, holdStartedAt, holdSeconds);
    }

    AnalyticsReferral booked(Instant at) {
        return firstBookedAt != null ? this : new AnalyticsReferral(referralId, version, senderOrg, recipientOrg,
                service, priority, sentAt, slaDueAt, acceptedAt, declinedAt, stored(at), seenAt, outcomeAt,
                acknowledgedAt, cancelledAt, forwards, reschedules, noShows, slaMissed, holdStartedAt, holdSeconds);
    }

    AnalyticsReferral rescheduled() {
        return new AnalyticsReferral(referralId, version, senderOrg, recipientOrg, service, priority, sentAt,
                slaDueAt, acceptedAt, declinedAt, firstBookedAt, seenAt, outcomeAt, acknowledgedAt, cancelledAt,
                forwards, reschedules + 1, noShows, slaMissed, holdStartedAt, holdSeconds);
    }

    AnalyticsReferral noShow() {
        return new AnalyticsReferral(referralId, version, senderOrg, recipientOrg, service, priority, sentAt,
                slaDueAt, acceptedAt, declinedAt, firstBookedAt, seenAt, outcomeAt, acknowledgedAt, cancelledAt,
                forwards, reschedules, noShows + 1, slaMissed, holdStartedAt, holdSeconds);
    }

    AnalyticsReferral seen(Instant at) {
        return seenAt != null ? this : new AnalyticsReferral(referralId, version, senderOrg, recipientOrg, service,
                priority, sentAt, slaDueAt, acceptedAt, declinedAt, firstBookedAt, stored(at), outcomeAt,
                acknowledgedAt, cancelledAt, forwards, reschedules, noShows, slaMissed, holdStartedAt, holdSeconds);
    }

    AnalyticsReferral outcome(Instant at) {
        return outcomeAt != null ? this : new AnalyticsReferral(referralId, version, senderOrg, recipientOrg,
                service, priority, sentAt, slaDueAt, acceptedAt, declinedAt, firstBookedAt, seenAt, stored(at),
                acknowledgedAt, cancelledAt, forwards, reschedules, noShows, slaMissed, holdStartedAt, holdSeconds);
    }

    AnalyticsReferral acknowledged(Instant at) {
        return acknowledgedAt != null ? this : new AnalyticsReferral(referralId, version, senderOrg, recipientOrg,
                service, priority, sentAt, slaDueAt, acceptedAt, declinedAt, firstBookedAt, seenAt, outcomeAt,
                stored(at), cancelledAt, forwards, reschedules, noShows, slaMissed, holdStartedAt, holdSeconds);
    }

    AnalyticsReferral cancelled(Instant at) {
        return cancelledAt != null ? this : new AnalyticsReferral(referralId, version, senderOrg, recipientOrg,
                service, priority, sentAt, slaDueAt, acceptedAt, declinedAt, firstBookedAt, seenAt, outcomeAt,
                acknowledgedAt, stored(at), forwards, reschedules, noShows, slaMissed, holdStartedAt, holdSeconds);
    }

    AnalyticsReferral slaMissedNow() {
        return new AnalyticsReferral(referralId, version, senderOrg, recipientOrg, service, priority, sentAt,
                slaDueAt, acceptedAt, declinedAt, firstBookedAt, seenAt, outcomeAt, acknowledgedAt, cancelledAt,
                forwards, reschedules, noShows, true, holdStartedAt, holdSeconds);
    }

    AnalyticsReferral onHold(Instant at) {
        return holdStartedAt != null ? this : new AnalyticsReferral(referralId, version, senderOrg, recipientOrg,
                service, priority, sentAt, slaDueAt, acceptedAt, declinedAt, firstBookedAt, seenAt, outcomeAt,
                acknowledgedAt, cancelledAt, forwards, reschedules, noShows, slaMissed, stored(at), holdSeconds);
    }

    AnalyticsReferral resumed(Instant at) {
        if (holdStartedAt == null) {
            return this;
        }
        long held = Math.max(0, Duration.between(holdStartedAt, stored(at)).toSeconds());
        return new AnalyticsReferral(referralId, version, senderOrg, recipientOrg, service, priority, sentAt,
                slaDueAt, acceptedAt, declinedAt, firstBookedAt, seenAt, outcomeAt, acknowledgedAt, cancelledAt,
                forwards, reschedules, noShows, slaMissed, null, holdSeconds + held);
    }
}
