package dev.careloop.api.partnership;

/**
 * Which of a partnership's referrals a goal is about, seen from the organisation that set it: those it sends
 * ({@code outgoing}), those it receives ({@code incoming}) or both.
 */
public enum GoalDirection {
    BOTH("both"), OUTGOING("outgoing"), INCOMING("incoming");

    public static final String CODES = "both|outgoing|incoming";

    private final String code;

    GoalDirection(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The same referrals seen from the partner: outgoing for one is incoming for the other. */
    public GoalDirection seenByPartner() {
        return switch (this) {
            case BOTH -> BOTH;
            case OUTGOING -> INCOMING;
            case INCOMING -> OUTGOING;
        };
    }

    /** The direction of {@code code}; null for null; IllegalArgumentException for an unknown code. */
    public static GoalDirection ofCode(String code) {
        if (code == null) {
            return null;
        }
        for (GoalDirection d : values()) {
            if (d.code.equals(code)) {
                return d;
            }
        }
        throw new IllegalArgumentException("must be one of both, outgoing, incoming");
    }
}
