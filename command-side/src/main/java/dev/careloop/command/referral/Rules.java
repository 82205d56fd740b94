package dev.careloop.command.referral;

/** Rules the transition table cannot express, each refused with a reason for the clinician. */
final class Rules {
    private Rules() {
    }

    /** A request that names something impossible: 400, naming the field. */
    static void require(boolean ok, String field, String reason) {
        if (!ok) {
            throw new InvalidField(field, reason);
        }
    }

    /** A request the referral's current situation does not allow: 409. */
    static void conflictUnless(boolean ok, String reason) {
        if (!ok) {
            throw new Refusal(Refusal.Kind.CONFLICT, reason);
        }
    }

    /** A refusal that names the request field at fault. */
    static final class InvalidField extends Refusal {
        InvalidField(String field, String reason) {
            super(Kind.INVALID, field, reason);
        }
    }
}
