package dev.careloop.command.rules;

/** Rules a transition table cannot express, each refused with a reason for the clinician. */
public final class Rules {
    private Rules() {
    }

    /** A request that names something impossible: 400, naming the field. */
    public static void require(boolean ok, String field, String reason) {
        if (!ok) {
            throw new InvalidField(field, reason);
        }
    }

    /** A request the current situation does not allow: 409. */
    public static void conflictUnless(boolean ok, String reason) {
        if (!ok) {
            throw new Refusal(Refusal.Kind.CONFLICT, reason);
        }
    }

    /** A stale If-Match: 409, naming both versions; no If-Match ({@code expected} null) is not checked. */
    public static void requireVersion(String what, Long expected, long current) {
        if (expected != null && expected != current) {
            throw new Refusal(Refusal.Kind.CONFLICT, "the " + what + " has changed: you sent If-Match version "
                    + expected + " but it is now at version " + current);
        }
    }

    /** A refusal that names the request field at fault. */
    public static final class InvalidField extends Refusal {
        public InvalidField(String field, String reason) {
            super(Kind.INVALID, field, reason);
        }
    }
}
