package dev.careloop.command.appointment;

import dev.careloop.api.appointment.AppointmentStatus;

import java.util.EnumSet;
import java.util.Set;

import static dev.careloop.api.appointment.AppointmentStatus.*;

/**
 * What may happen to an appointment once it exists, as one table: who may (the performing organisation, or
 * any organisation that sees it), from which statuses, and the words a clinician reads when it is refused.
 */
enum AppointmentAction {
    CONFIRM_SLOT(false, EnumSet.of(PROPOSED), "confirm a slot", "be booked"),
    RESCHEDULE(true, EnumSet.of(BOOKED), "reschedule an appointment", "be rescheduled"),
    CANCEL(true, EnumSet.of(PROPOSED, BOOKED), "cancel an appointment", "be cancelled"),
    MARK_ARRIVED(true, EnumSet.of(BOOKED), "record an arrival", "be marked as arrived"),
    MARK_FULFILLED(true, EnumSet.of(BOOKED, ARRIVED), "record a visit as fulfilled", "be marked as fulfilled"),
    MARK_NO_SHOW(true, EnumSet.of(BOOKED), "record a no-show", "be marked as a no-show"),
    HAND_OFF(true, EnumSet.of(PROPOSED, BOOKED), "hand off an appointment", "be handed off");

    private final boolean performerOnly;
    private final Set<AppointmentStatus> from;
    private final String action;
    private final String refused;

    AppointmentAction(boolean performerOnly, Set<AppointmentStatus> from, String action, String refused) {
        this.performerOnly = performerOnly;
        this.from = from;
        this.action = action;
        this.refused = refused;
    }

    boolean performerOnly() {
        return performerOnly;
    }

    boolean allowedFrom(AppointmentStatus status) {
        return from.contains(status);
    }

    /** "cancel an appointment", as in "only the performing organisation can cancel an appointment". */
    String action() {
        return action;
    }

    /** "be rescheduled", as in "an appointment that is cancelled cannot be rescheduled". */
    String refused() {
        return refused;
    }
}
