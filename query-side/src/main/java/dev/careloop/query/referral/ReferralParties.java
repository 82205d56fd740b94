package dev.careloop.query.referral;

import dev.careloop.api.access.Relationship;

import java.time.Instant;
import java.util.List;

/**
 * Who took part in a referral, over time: the initiator, and each recipient from the event that made it one
 * (sent, or forwarded to it) until the forward that handed the referral on ({@code until...} null: still its
 * recipient). Sequences are the referral's event sequence numbers (its version is the sequence + 1). {@code patientId}:
 * the referral's pseudonymous patient id as its view has it now (null while there is no view), for the access log,
 * so that a read can hand its entry to the log as soon as it is authorised.
 */
public record ReferralParties(List<Party> parties, String patientId) {

    public record Party(String organisation, String role, long sinceSequence, Instant since, Long untilSequence,
                        Instant until) {

        public boolean current() {
            return untilSequence == null;
        }
    }

    public Relationship relationshipOf(String organisation) {
        boolean former = false;
        for (Party p : parties) {
            if (!p.organisation().equals(organisation)) {
                continue;
            }
            if ("initiator".equals(p.role())) {
                return Relationship.OWNER;
            }
            if (p.current()) {
                return Relationship.PARTY;
            }
            former = true;
        }
        return former ? Relationship.FORMER_PARTY : Relationship.NONE;
    }

    /** The last event a former recipient took part in (the forward that ended its part), or null. */
    public Long endedAt(String organisation) {
        return parties.stream().filter(p -> p.organisation().equals(organisation) && p.untilSequence() != null)
                .map(Party::untilSequence).max(Long::compare).orElse(null);
    }
}
