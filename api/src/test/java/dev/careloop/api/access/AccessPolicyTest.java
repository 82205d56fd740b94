package dev.careloop.api.access;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The consent table of docs/CONSENT.md, written out by hand, case by case: if the policy and this table ever
 * disagree, one of them is wrong. Nothing here is derived from AccessPolicy's code.
 */
class AccessPolicyTest {

    /**
     * role (space separated), relationship, purpose stated, purposes granted ("-" none), break-the-glass on for the
     * caller's organisation, justification given, then the outcome and the rule that decided.
     */
    @ParameterizedTest(name = "{0} {1} reads a record for {2} (grant {3}, glass {4}, justified {5}): {6}")
    @CsvSource({
            // the owner reads its own record for any purpose
            "clinician,             OWNER,        TREAT,   -,         false, false, FULL,      owner",
            "coordinator,           OWNER,        HOPERAT, -,         false, false, FULL,      owner",
            "compliance,            OWNER,        HCOMPL,  -,         false, false, FULL,      owner",
            "clinician,             OWNER,        ETREAT,  -,         false, false, FULL,      owner",
            // a recipient reads for a purpose its grant allows, and for no other
            "clinician,             PARTY,        TREAT,   TREAT,     false, false, FULL,      grant-purpose",
            "coordinator,           PARTY,        COC,     TREAT COC, false, false, FULL,      grant-purpose",
            "compliance,            PARTY,        HCOMPL,  HCOMPL,    false, false, FULL,      grant-purpose",
            "clinician,             PARTY,        HOPERAT, TREAT,     false, false, REFUSED,   purpose-not-granted",
            "clinician,             PARTY,        COC,     TREAT,     true,  true,  REFUSED,   purpose-not-granted",
            "compliance,            PARTY,        HCOMPL,  TREAT,     false, false, REFUSED,   purpose-not-granted",
            "clinician,             PARTY,        TREAT,   COC,       false, false, REFUSED,   purpose-not-granted",
            // a former recipient and a stranger read nothing, whatever the purpose
            "clinician,             FORMER_PARTY, TREAT,   -,         false, false, REFUSED,   access-ended",
            "coordinator,           FORMER_PARTY, COC,     -,         true,  true,  REFUSED,   access-ended",
            "clinician,             NONE,         TREAT,   -,         false, false, REFUSED,   no-relationship",
            "compliance,            NONE,         HCOMPL,  -,         true,  true,  REFUSED,   no-relationship",
            // break-the-glass: a clinician, where the organisation turned it on, with a justification
            "clinician,             NONE,         ETREAT,  -,         true,  true,  EMERGENCY, break-glass",
            "clinician coordinator, FORMER_PARTY, ETREAT,  -,         true,  true,  EMERGENCY, break-glass",
            "clinician,             PARTY,        ETREAT,  TREAT,     true,  true,  EMERGENCY, break-glass",
            "clinician,             NONE,         ETREAT,  -,         false, true,  REFUSED,   break-glass-disabled",
            "coordinator,           NONE,         ETREAT,  -,         true,  true,  REFUSED,   break-glass-not-clinician",
            "compliance,            PARTY,        ETREAT,  TREAT,     true,  true,  REFUSED,   break-glass-not-clinician",
            "admin,                 NONE,         ETREAT,  -,         true,  true,  REFUSED,   break-glass-not-clinician",
            "clinician,             NONE,         ETREAT,  -,         true,  false, INVALID,   break-glass-unjustified",
            // a purpose that is no ActReason code we know is never guessed
            "clinician,             PARTY,        RESEARCH, TREAT,    false, false, INVALID,   unknown-purpose",
            "clinician,             OWNER,        treat,   -,         false, false, INVALID,   unknown-purpose"
    })
    void recordReads(String roles, Relationship relationship, String purpose, String granted, boolean glass,
                     boolean justified, AccessDecision.Outcome outcome, String rule) {
        Set<String> grant = granted.equals("-") ? Set.of() : Set.copyOf(Arrays.asList(granted.split(" ")));
        AccessDecision decision = AccessPolicy.recordRead(Set.of(roles.split(" ")), relationship, purpose, grant,
                glass, justified ? "patient unconscious, allergies unknown" : null);
        assertThat(decision.outcome()).isEqualTo(outcome);
        assertThat(decision.rule()).isEqualTo(rule);
    }

    @ParameterizedTest(name = "{0} reads a referral: {1}")
    @CsvSource({
            "OWNER,        FULL,         initiator",
            "PARTY,        FULL,         recipient",
            "FORMER_PARTY, AS_WHEN_LEFT, former-recipient",
            "NONE,         REFUSED,      no-relationship"
    })
    void referralReads(Relationship relationship, AccessDecision.Outcome outcome, String rule) {
        AccessDecision decision = AccessPolicy.referralRead(relationship);
        assertThat(decision.outcome()).isEqualTo(outcome);
        assertThat(decision.rule()).isEqualTo(rule);
    }
}
