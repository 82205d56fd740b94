package dev.careloop.command.referral;

/** What a user can do to a referral, with the words a clinician reads when it is refused. */
enum Trigger {
    SEND("send a referral", "be sent"),
    ACCEPT("accept a referral", "be accepted"),
    DECLINE("decline a referral", "be declined"),
    FORWARD("forward a referral", "be forwarded"),
    REQUEST_INFORMATION("request information about a referral", "be put on hold for information"),
    PROVIDE_INFORMATION("provide information for a referral", "be answered"),
    SCHEDULE("schedule a referral", "be scheduled"),
    RESCHEDULE("reschedule a referral", "be rescheduled"),
    RECORD_NO_SHOW("record a no-show", "be marked as a no-show"),
    CANCEL_APPOINTMENT("cancel an appointment", "have its appointment cancelled"),
    SEND_INTERIM_NOTE("send an interim note", "be given an interim note"),
    REQUEST_CANCELLATION("request the cancellation of a referral", "be asked to be cancelled"),
    CONFIRM_CANCELLATION("confirm the cancellation of a referral", "be cancelled"),
    SEND_OUTCOME("send the outcome of a referral", "be completed with an outcome"),
    ACKNOWLEDGE_OUTCOME("acknowledge the outcome of a referral", "be acknowledged"),
    REFER_BACK("refer a patient back", "be referred back");

    private final String action;
    private final String refused;

    Trigger(String action, String refused) {
        this.action = action;
        this.refused = refused;
    }

    /** "accept a referral", as in "only the receiving organisation can accept a referral". */
    String action() {
        return action;
    }

    /** "be accepted", as in "a referral that is declined cannot be accepted". */
    String refused() {
        return refused;
    }
}
