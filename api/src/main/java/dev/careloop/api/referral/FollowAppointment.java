package dev.careloop.api.referral;

import dev.careloop.api.FreeText;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Sent by the process manager, never by a client: the referral's appointment changed, and the referral's
 * business status follows. {@code appointmentVersion} is the appointment's version after the change; the
 * referral ignores a version it has already followed, so redelivery changes nothing. Answered with an
 * {@link Outcome}, never a refusal: the process manager decides what a refused booking means.
 */
public record FollowAppointment(@TargetAggregateIdentifier String referralId, String appointmentId,
                                long appointmentVersion, Change change, Appointment appointment,
                                @FreeText String reason) {

    /** What happened to the appointment. */
    public enum Change { BOOKED, RESCHEDULED, NO_SHOW, CANCELLED }

    /** Whether the referral recorded the change: yes, it had already, or no (and why not). */
    public record Outcome(Result result, String reason) {

        public enum Result { FOLLOWED, ALREADY_FOLLOWED, REFUSED }

        public static Outcome followed() {
            return new Outcome(Result.FOLLOWED, null);
        }

        public static Outcome alreadyFollowed() {
            return new Outcome(Result.ALREADY_FOLLOWED, null);
        }

        public static Outcome refused(String reason) {
            return new Outcome(Result.REFUSED, reason);
        }
    }
}
