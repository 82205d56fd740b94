package dev.careloop.query.audit;

/** What an audit entry is about: the family of its aggregate, or a read of the trail itself. */
enum AuditEntryKind {
    REFERRAL("referral"), RECORD("record"), APPOINTMENT("appointment"), AUDIT("audit");

    private final String code;

    AuditEntryKind(String code) {
        this.code = code;
    }

    String code() {
        return code;
    }
}
