package dev.careloop.query.notification;

/** What a notification is about, as the API names it. */
enum NotificationKind {
    REFERRAL_RECEIVED("referral-received"),
    QUESTION_ASKED("question-asked"),
    QUESTION_ANSWERED("question-answered"),
    OUTCOME_SENT("outcome-sent"),
    SLA_MISSED("sla-missed"),
    APPOINTMENT_CHANGED("appointment-changed"),
    ASSIGNED("assigned"),
    REFERRAL_FORWARDED("referral-forwarded");

    final String code;

    NotificationKind(String code) {
        this.code = code;
    }
}
