package dev.careloop.command.rules;

/**
 * A command an aggregate will not take, with a reason a clinician can read. The kind says how the
 * REST API answers: the caller may not know the thing exists (NOT_FOUND), may not do this (FORBIDDEN),
 * it is not in a state for it (CONFLICT), or the request itself is wrong (INVALID).
 */
public class Refusal extends RuntimeException {

    public enum Kind { NOT_FOUND, FORBIDDEN, CONFLICT, INVALID }

    private final Kind kind;
    private final String field;

    public Refusal(Kind kind, String reason) {
        this(kind, null, reason);
    }

    Refusal(Kind kind, String field, String reason) {
        super(reason, null, false, false);
        this.kind = kind;
        this.field = field;
    }

    public Kind kind() {
        return kind;
    }

    /** The request field at fault, for INVALID refusals that can name one; else null. */
    public String field() {
        return field;
    }

    /** "no such referral": what a caller who may not see it is told, the same as for one that does not exist. */
    public static Refusal notFound(String what) {
        return new Refusal(Kind.NOT_FOUND, "no such " + what);
    }
}
