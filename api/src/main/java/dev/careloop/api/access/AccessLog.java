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

    /**
     * Hands {@code access} to the log as soon as the read is authorised and returns at once, so that the read's
     * remaining work (loading what it answers) overlaps the entry's commit. The read must call
     * {@link Recording#await()} before it answers: the guarantee is {@link #record}'s, counted from this call. By
     * default the same as {@link #record} (the entry is committed before this returns).
     */
    default Recording enqueue(ReadAccess access) {
        record(access);
        return Recording.DONE;
    }

    /** An entry handed to the log; {@link #await} returns once it is committed, else throws {@link AccessNotRecorded}. */
    @FunctionalInterface
    interface Recording {

        Recording DONE = () -> { };

        void await();
    }
}
