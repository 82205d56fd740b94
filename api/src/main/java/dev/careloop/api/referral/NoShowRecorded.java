package dev.careloop.api.referral;

/** The patient did not attend the referral's visit (appointment version: see VisitScheduled). */
public record NoShowRecorded(String referralId, String appointmentId, long appointmentVersion,
                             ReferralStatus status) implements ReferralEvent {
}
