package dev.careloop.api.appointment;

/**
 * Every appointment event names its appointment, the referral it serves (null for a transition of care
 * without one) and the status it left the appointment in.
 */
public interface AppointmentEvent {
    String appointmentId();

    String referralId();

    AppointmentStatus status();
}
