package dev.careloop.api.referral;

/** The referral's booked visit was cancelled; the referral stays open (appointment version: see VisitScheduled). */
public record VisitCancelled(String referralId, String appointmentId, long appointmentVersion, String reason,
                             ReferralStatus status) implements ReferralEvent {
}
