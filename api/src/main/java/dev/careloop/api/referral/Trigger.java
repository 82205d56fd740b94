package dev.careloop.api.referral;

/**
 * What a user can do to a referral, with the words a clinician reads when it is refused and the name of its REST
 * action ({@code POST /api/referrals/{id}/{action}}), which is how the referral view lists the allowed actions.
 */
public enum Trigger {
    SEND("send a referral", "be sent", null),
    ACCEPT("accept a referral", "be accepted", "accept"),
    DECLINE("decline a referral", "be declined", "decline"),
    FORWARD("forward a referral", "be forwarded", "forward"),
    REQUEST_INFORMATION("request information about a referral", "be put on hold for information",
            "request-information"),
    PROVIDE_INFORMATION("provide information for a referral", "be answered", "provide-information"),
    SCHEDULE("schedule a referral", "be scheduled", "schedule"),
    RESCHEDULE("reschedule a referral", "be rescheduled", "reschedule"),
    RECORD_NO_SHOW("record a no-show", "be marked as a no-show", "no-show"),
    CANCEL_APPOINTMENT("cancel an appointment", "have its appointment cancelled", "cancel-appointment"),
    SEND_INTERIM_NOTE("send an interim note", "be given an interim note", "interim-note"),
    REQUEST_CANCELLATION("request the cancellation of a referral", "be asked to be cancelled",
            "request-cancellation"),
    CONFIRM_CANCELLATION("confirm the cancellation of a referral", "be cancelled", "confirm-cancellation"),
    SEND_OUTCOME("send the outcome of a referral", "be completed with an outcome", "outcome"),
    ACKNOWLEDGE_OUTCOME("acknowledge the outcome of a referral", "be acknowledged", "acknowledge-outcome"),
    REFER_BACK("refer a patient back", "be referred back", "refer-back"),
    ASSIGN("assign a referral to a clinician", "be assigned", "assign"),
    UNASSIGN("unassign a referral", "be unassigned", "unassign");

    private final String action;
    private final String refused;
    private final String restAction;

    Trigger(String action, String refused, String restAction) {
        this.action = action;
        this.refused = refused;
        this.restAction = restAction;
    }

    /** "accept a referral", as in "only the receiving organisation can accept a referral". */
    public String action() {
        return action;
    }

    /** "be accepted", as in "a referral that is declined cannot be accepted". */
    public String refused() {
        return refused;
    }

    /**
     * The action's name in the REST API and in {@code allowedActions}: "accept", "no-show"; null for SEND (a
     * referral that exists is never sent again). Assign and unassign are {@code POST} and {@code DELETE} of
     * {@code /api/referrals/{id}/assignment}.
     */
    public String restAction() {
        return restAction;
    }
}
