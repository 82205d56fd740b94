package dev.careloop.api.referral;

import dev.careloop.api.Patient;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Sent by the appointment side, never by a client: may the sender take this visit action on the referral now?
 * Checked exactly as the referral's own actions are (404, 403, stale If-Match, 409) and applies nothing: the
 * appointment carries the action out, and its events, followed by the process manager, move the referral.
 * Answered with the {@link Visit} the appointment side needs.
 */
public record PlanVisit(@TargetAggregateIdentifier String referralId, Action action) {

    /** The visit actions of the referral API, each the appointment's to carry out. */
    public enum Action { SCHEDULE, RESCHEDULE, NO_SHOW, CANCEL }

    /**
     * The patient, both organisations, the referral's current appointment ({@code booked} when it is still to take
     * place) and the version the referral will have once it has followed the appointment's change.
     */
    public record Visit(String referralId, Patient patient, String initiator, String recipient,
                        String appointmentId, boolean booked, long versionAfter) {
    }
}
