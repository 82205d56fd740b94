package dev.careloop.api.referral;

/** The patient did not attend the referral's visit. */
public record NoShowRecorded(String referralId, String appointmentId, ReferralStatus status)
        implements ReferralEvent {
}
