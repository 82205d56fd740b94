package dev.careloop.query.rebuild;

/** A reason to stop a rebuild, in words for the administrator. */
final class RebuildFailure extends RuntimeException {

    RebuildFailure(String message) {
        super(message);
    }
}
