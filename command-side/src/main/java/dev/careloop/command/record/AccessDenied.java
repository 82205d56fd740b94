package dev.careloop.command.record;

import dev.careloop.command.rules.Refusal;

/**
 * A read of a record's content that consent does not allow. The caller is told only "no such record" (404,
 * nothing about the record); {@link #auditReason()} says why, for the RecordAccessDenied audit event.
 */
class AccessDenied extends Refusal {

    private final String auditReason;

    AccessDenied(String auditReason) {
        super(Kind.NOT_FOUND, "no such record");
        this.auditReason = auditReason;
    }

    String auditReason() {
        return auditReason;
    }
}
