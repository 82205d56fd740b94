package dev.careloop.api.access;

import dev.careloop.api.Actor;
import dev.careloop.api.PurposeOfUse;
import dev.careloop.api.access.AccessDecision.Outcome;

import java.util.Set;

/**
 * The one consent decision for every read of patient data: (role, relationship, purpose of use) -> allowed or
 * refused, and why. Every read route asks it: record content downloads (REST), the referral view, timeline,
 * lists and patient summary (REST), the FHIR facade and partner delivery, and the audit trail shown to an
 * organisation's officers. docs/CONSENT.md holds the same table in words.
 * <p>
 * Which role or SMART scope may call which route at all is the route matrix (security configuration); this
 * policy decides, for a caller already allowed on the route, what it may see of one referral or record.
 */
public final class AccessPolicy {

    /** Only clinicians treat patients in an emergency. */
    private static final Set<String> BREAK_GLASS_ROLES = Set.of(Actor.CLINICIAN);

    private AccessPolicy() {
    }

    /**
     * A read of a shared record's content.
     *
     * @param grantedPurposes   the purposes the caller's grant allows (empty when it has none)
     * @param breakGlassEnabled whether the caller's organisation has break-the-glass turned on
     * @param justification     the free-text reason stated for an emergency read, or null
     */
    public static AccessDecision recordRead(Set<String> roles, Relationship relationship, String purpose,
                                            Set<String> grantedPurposes, boolean breakGlassEnabled,
                                            String justification) {
        if (!PurposeOfUse.isKnown(purpose)) {
            return new AccessDecision(Outcome.INVALID, "unknown-purpose", "unknown purpose of use '" + purpose
                    + "': one of " + String.join(", ", PurposeOfUse.ALL));
        }
        if (relationship == Relationship.OWNER) {
            return new AccessDecision(Outcome.FULL, "owner", "the organisation that shared the record reads it");
        }
        boolean granted = relationship == Relationship.PARTY && grantedPurposes.contains(purpose);
        if (granted) {
            return new AccessDecision(Outcome.FULL, "grant-purpose", "the grant allows " + purpose);
        }
        if (PurposeOfUse.EMERGENCY.equals(purpose)) {
            return breakTheGlass(roles, breakGlassEnabled, justification);
        }
        if (relationship == Relationship.PARTY) {
            return new AccessDecision(Outcome.REFUSED, "purpose-not-granted", "the grant allows "
                    + String.join(", ", grantedPurposes.stream().sorted().toList()) + ", not " + purpose);
        }
        if (relationship == Relationship.FORMER_PARTY) {
            return new AccessDecision(Outcome.REFUSED, "access-ended", "the organisation's access has ended");
        }
        return new AccessDecision(Outcome.REFUSED, "no-relationship", "the record was not shared with the organisation");
    }

    private static AccessDecision breakTheGlass(Set<String> roles, boolean enabled, String justification) {
        if (!roles.stream().anyMatch(BREAK_GLASS_ROLES::contains)) {
            return new AccessDecision(Outcome.REFUSED, "break-glass-not-clinician",
                    "break-the-glass refused: only clinicians may read a record outside its consent");
        }
        if (!enabled) {
            return new AccessDecision(Outcome.REFUSED, "break-glass-disabled",
                    "break-the-glass refused: it is not enabled for the organisation");
        }
        if (justification == null || justification.isBlank()) {
            return new AccessDecision(Outcome.INVALID, "break-glass-unjustified",
                    "an emergency read (ETREAT) needs a justification (X-Break-Glass-Reason)");
        }
        return new AccessDecision(Outcome.EMERGENCY, "break-glass",
                "emergency access outside consent: " + justification);
    }

    /**
     * A read of a referral (its view, timeline, FHIR resources, partner updates, audit entries) by an organisation
     * allowed on the route. The referral itself is the care relationship: its current parties read it for any
     * known purpose (an unknown one never gets this far: it is a 400 at the edge); a former recipient reads it as
     * it was when it handed the referral on; anyone else reads nothing.
     */
    public static AccessDecision referralRead(Relationship relationship) {
        return switch (relationship) {
            case OWNER -> new AccessDecision(Outcome.FULL, "initiator", "the organisation that sent the referral");
            case PARTY -> new AccessDecision(Outcome.FULL, "recipient", "the referral's current recipient");
            case FORMER_PARTY -> new AccessDecision(Outcome.AS_WHEN_LEFT, "former-recipient",
                    "a former recipient reads the referral as it was when it handed it on");
            case NONE -> new AccessDecision(Outcome.REFUSED, "no-relationship",
                    "the organisation takes no part in the referral");
        };
    }
}
