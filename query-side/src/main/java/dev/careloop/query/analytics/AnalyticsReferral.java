package dev.careloop.query.analytics;

import dev.careloop.query.replay.RowTable;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;

import static dev.careloop.query.replay.RowValues.instant;
import static dev.careloop.query.replay.RowValues.stored;

/**
 * What analytics knows of one referral: its parties, service and priority, and when each step first happened. No
 * clinical text and nothing that names the patient ({@code resendKey} is a one-way hash of the pseudonymous patient
 * id and the service, only to find a re-sent referral). {@code version} is the sequence number of its last event
 * applied.
 */
record AnalyticsReferral(String referralId, long version, String senderOrg, String recipientOrg, String service,
                         String priority, Instant sentAt, Instant slaDueAt, Instant acceptedAt, Instant declinedAt,
                         Instant firstBookedAt, Instant seenAt, Instant outcomeAt, Instant acknowledgedAt,
                         Instant cancelledAt, int forwards, int reschedules, int noShows, boolean slaMissed,
                         Instant holdStartedAt, long holdSeconds, String declineCategory, Tally forwardCategories,
                         int visitsCancelled, int visitsCancelledBySender, int visitsCancelledByRecipient,
                         String resendKey, Instant resentAt, Instant firstSlotAt) {

    /** How long after a referral was declined or cancelled a re-sent one still keeps it from leaking. */
    static final int LEAKAGE_DAYS = 30;

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
            .column("decline_category", AnalyticsReferral::declineCategory)
            .json("forward_categories", r -> r.forwardCategories().json())
            .column("visits_cancelled", AnalyticsReferral::visitsCancelled)
            .column("visits_cancelled_by_sender", AnalyticsReferral::visitsCancelledBySender)
            .column("visits_cancelled_by_recipient", AnalyticsReferral::visitsCancelledByRecipient)
            .column("resend_key", AnalyticsReferral::resendKey)
            .column("resent_at", AnalyticsReferral::resentAt)
            .column("first_slot_at", AnalyticsReferral::firstSlotAt)
            .key("referral_id")
            .reader(rs -> new AnalyticsReferral(rs.getString("referral_id"), rs.getLong("version"),
                    rs.getString("sender_org"), rs.getString("recipient_org"), rs.getString("service"),
                    rs.getString("priority"), instant(rs, "sent_at"), instant(rs, "sla_due_at"),
                    instant(rs, "accepted_at"), instant(rs, "declined_at"), instant(rs, "first_booked_at"),
                    instant(rs, "seen_at"), instant(rs, "outcome_at"), instant(rs, "acknowledged_at"),
                    instant(rs, "cancelled_at"), rs.getInt("forwards"), rs.getInt("reschedules"),
                    rs.getInt("no_shows"), rs.getBoolean("sla_missed"), instant(rs, "hold_started_at"),
                    rs.getLong("hold_seconds"), rs.getString("decline_category"),
                    Tally.parse(rs.getString("forward_categories")), rs.getInt("visits_cancelled"),
                    rs.getInt("visits_cancelled_by_sender"), rs.getInt("visits_cancelled_by_recipient"),
                    rs.getString("resend_key"), instant(rs, "resent_at"), instant(rs, "first_slot_at")));

    static AnalyticsReferral sent(String referralId, long version, String senderOrg, String recipientOrg,
                                  String service, String priority, Instant sentAt, Instant slaDueAt,
                                  String resendKey) {
        return new AnalyticsReferral(referralId, version, senderOrg, recipientOrg, service, priority, stored(sentAt),
                stored(slaDueAt), null, null, null, null, null, null, null, 0, 0, 0, false, null, 0, null,
                Tally.EMPTY, 0, 0, 0, resendKey, null, null);
    }

    /**
     * The key a re-sent referral is found by: a SHA-256 of the patient's pseudonymous platform id and the service,
     * so the table names no patient. Null without a patient id.
     */
    static String resendKey(String patientId, String service) {
        if (patientId == null) {
            return null;
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(("careloop-analytics-resend\n" + patientId + "\n"
                    + (service == null ? "" : service)).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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

    /** When it was declined or cancelled (the first of them), or null while it is neither. */
    Instant endedAt() {
        if (declinedAt == null) {
            return cancelledAt;
        }
        return cancelledAt == null || declinedAt.isBefore(cancelledAt) ? declinedAt : cancelledAt;
    }

    /**
     * Whether another referral sent at {@code at} re-sends this one: sent after this one, and no later than
     * {@link #LEAKAGE_DAYS} after this one ended.
     */
    boolean resentBy(Instant at) {
        Instant ended = endedAt();
        return ended != null && at.isAfter(sentAt) && !at.isAfter(ended.plus(Duration.ofDays(LEAKAGE_DAYS)));
    }

    /** Declined or cancelled, and (so far) not re-sent within the network in time. */
    boolean leaked() {
        return endedAt() != null && resentAt == null;
    }

    static Duration between(Instant from, Instant to) {
        return from == null || to == null ? null : Duration.between(from, to);
    }

    AnalyticsReferral at(long sequence) {
        return copy().version(sequence).build();
    }

    AnalyticsReferral accepted(Instant at) {
        return acceptedAt != null ? this : copy().acceptedAt(stored(at)).build();
    }

    AnalyticsReferral declined(Instant at, String category) {
        return declinedAt != null ? this : copy().declinedAt(stored(at)).declineCategory(category).build();
    }

    /** Handed to another organisation, now its recipient (and the one whose triage counts). */
    AnalyticsReferral forwardedTo(String organisation, String category) {
        return copy().recipientOrg(organisation).acceptedAt(null).forwards(forwards + 1)
                .forwardCategories(forwardCategories.plus(category, 1)).build();
    }

    AnalyticsReferral booked(Instant at) {
        return firstBookedAt != null ? this : copy().firstBookedAt(stored(at)).build();
    }

    AnalyticsReferral rescheduled() {
        return copy().reschedules(reschedules + 1).build();
    }

    AnalyticsReferral noShow() {
        return copy().noShows(noShows + 1).build();
    }

    /** A booked visit was cancelled, by {@code organisation} (the acting organisation; null: CareLoop itself). */
    AnalyticsReferral visitCancelledBy(String organisation) {
        return copy().visitsCancelled(visitsCancelled + 1)
                .visitsCancelledBySender(visitsCancelledBySender + (senderOrg.equals(organisation) ? 1 : 0))
                .visitsCancelledByRecipient(visitsCancelledByRecipient
                        + (recipientOrg.equals(organisation) ? 1 : 0)).build();
    }

    AnalyticsReferral seen(Instant at) {
        return seenAt != null ? this : copy().seenAt(stored(at)).build();
    }

    /** A slot was offered (or booked) starting at {@code start}: the earliest of them is kept. */
    AnalyticsReferral slotOffered(Instant start) {
        if (start == null || (firstSlotAt != null && !stored(start).isBefore(firstSlotAt))) {
            return this;
        }
        return copy().firstSlotAt(stored(start)).build();
    }

    AnalyticsReferral outcome(Instant at) {
        return outcomeAt != null ? this : copy().outcomeAt(stored(at)).build();
    }

    AnalyticsReferral acknowledged(Instant at) {
        return acknowledgedAt != null ? this : copy().acknowledgedAt(stored(at)).build();
    }

    AnalyticsReferral cancelled(Instant at) {
        return cancelledAt != null ? this : copy().cancelledAt(stored(at)).build();
    }

    /** Re-sent by a referral sent at {@code at} (the earliest such is kept). */
    AnalyticsReferral resent(Instant at) {
        if (resentAt != null && !stored(at).isBefore(resentAt)) {
            return this;
        }
        return copy().resentAt(stored(at)).build();
    }

    AnalyticsReferral slaMissedNow() {
        return copy().slaMissed(true).build();
    }

    AnalyticsReferral onHold(Instant at) {
        return holdStartedAt != null ? this : copy().holdStartedAt(stored(at)).build();
    }

    AnalyticsReferral resumed(Instant at) {
        if (holdStartedAt == null) {
            return this;
        }
        long held = Math.max(0, Duration.between(holdStartedAt, stored(at)).toSeconds());
        return copy().holdStartedAt(null).holdSeconds(holdSeconds + held).build();
    }

    private Copy copy() {
        return new Copy(this);
    }

    /** A changed copy: the fields a step sets, the rest as they were. */
    private static final class Copy {
        private final AnalyticsReferral r;
        private long version;
        private String recipientOrg;
        private Instant acceptedAt, declinedAt, firstBookedAt, seenAt, outcomeAt, acknowledgedAt, cancelledAt,
                holdStartedAt, resentAt, firstSlotAt;
        private int forwards, reschedules, noShows, visitsCancelled, visitsCancelledBySender,
                visitsCancelledByRecipient;
        private boolean slaMissed;
        private long holdSeconds;
        private String declineCategory;
        private Tally forwardCategories;

        Copy(AnalyticsReferral r) {
            this.r = r;
            version = r.version;
            recipientOrg = r.recipientOrg;
            acceptedAt = r.acceptedAt;
            declinedAt = r.declinedAt;
            firstBookedAt = r.firstBookedAt;
            seenAt = r.seenAt;
            outcomeAt = r.outcomeAt;
            acknowledgedAt = r.acknowledgedAt;
            cancelledAt = r.cancelledAt;
            holdStartedAt = r.holdStartedAt;
            resentAt = r.resentAt;
            firstSlotAt = r.firstSlotAt;
            forwards = r.forwards;
            reschedules = r.reschedules;
            noShows = r.noShows;
            visitsCancelled = r.visitsCancelled;
            visitsCancelledBySender = r.visitsCancelledBySender;
            visitsCancelledByRecipient = r.visitsCancelledByRecipient;
            slaMissed = r.slaMissed;
            holdSeconds = r.holdSeconds;
            declineCategory = r.declineCategory;
            forwardCategories = r.forwardCategories;
        }

        Copy version(long v) { version = v; return this; }
        Copy recipientOrg(String v) { recipientOrg = v; return this; }
        Copy acceptedAt(Instant v) { acceptedAt = v; return this; }
        Copy declinedAt(Instant v) { declinedAt = v; return this; }
        Copy firstBookedAt(Instant v) { firstBookedAt = v; return this; }
        Copy seenAt(Instant v) { seenAt = v; return this; }
        Copy outcomeAt(Instant v) { outcomeAt = v; return this; }
        Copy acknowledgedAt(Instant v) { acknowledgedAt = v; return this; }
        Copy cancelledAt(Instant v) { cancelledAt = v; return this; }
        Copy holdStartedAt(Instant v) { holdStartedAt = v; return this; }
        Copy resentAt(Instant v) { resentAt = v; return this; }
        Copy firstSlotAt(Instant v) { firstSlotAt = v; return this; }
        Copy forwards(int v) { forwards = v; return this; }
        Copy reschedules(int v) { reschedules = v; return this; }
        Copy noShows(int v) { noShows = v; return this; }
        Copy visitsCancelled(int v) { visitsCancelled = v; return this; }
        Copy visitsCancelledBySender(int v) { visitsCancelledBySender = v; return this; }
        Copy visitsCancelledByRecipient(int v) { visitsCancelledByRecipient = v; return this; }
        Copy slaMissed(boolean v) { slaMissed = v; return this; }
        Copy holdSeconds(long v) { holdSeconds = v; return this; }
        Copy declineCategory(String v) { declineCategory = v; return this; }
        Copy forwardCategories(Tally v) { forwardCategories = v; return this; }

        AnalyticsReferral build() {
            return new AnalyticsReferral(r.referralId, version, r.senderOrg, recipientOrg, r.service, r.priority,
                    r.sentAt, r.slaDueAt, acceptedAt, declinedAt, firstBookedAt, seenAt, outcomeAt, acknowledgedAt,
                    cancelledAt, forwards, reschedules, noShows, slaMissed, holdStartedAt, holdSeconds,
                    declineCategory, forwardCategories, visitsCancelled, visitsCancelledBySender,
                    visitsCancelledByRecipient, r.resendKey, resentAt, firstSlotAt);
        }
    }
}
