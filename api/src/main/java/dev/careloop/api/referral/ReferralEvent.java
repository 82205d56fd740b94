package dev.careloop.api.referral;

/** Every referral event names its referral and the status it left the referral in. */
public interface ReferralEvent {
    String referralId();

    ReferralStatus status();
}
