package dev.careloop.api.access;

/**
 * The accounting of every read of patient data (docs/COMPLIANCE.md, "Access log"): the port the read paths of every
 * side record through, wherever they authorise a read. {@link #record} returns once the entry is durable (committed
 * in the append-only, hash-chained access log), so a read is answered only after it is accounted for; when that
 * cannot be confirmed in time it throws {@link AccessNotRecorded} and the read must not be answered (a 503).
 */
public interface AccessLog {

    /** Records {@code access}; returns when it is committed, else throws {@link AccessNotRecorded}. */
    void record(ReadAccess access);
}
