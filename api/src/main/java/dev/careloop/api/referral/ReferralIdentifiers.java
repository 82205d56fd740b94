package dev.careloop.api.referral;

/** Business identifiers: each organisation numbers its own referrals under its own system URI. */
public final class ReferralIdentifiers {
    private ReferralIdentifiers() {
    }

    public static String systemFor(String organisation) {
        return "https://careloop.dev/fhir/sid/referral/" + organisation;
    }
}
