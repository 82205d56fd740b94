package dev.careloop.query.audit;

/**
 * What an audit entry is about: the family of its aggregate (a partnership goal among them), a patient (erasure), or
 * a read of the trail.
 */
enum AuditEntryKind {
    REFERRAL("referral"), RECORD("record"), APPOINTMENT("appointment"), PARTNERSHIP("partnership"),
    PATIENT("patient"), AUDIT("audit");

    private final String code;

    AuditEntryKind(String code) {
        this.code = code;
    }

    String code() {
        return code;
    }
}
