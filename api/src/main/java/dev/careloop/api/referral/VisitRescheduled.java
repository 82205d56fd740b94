package dev.careloop.api.referral;

/** The referral's booked visit was moved (appointment version: see VisitScheduled). */
public record VisitRescheduled(String referralId, String appointmentId, long appointmentVersion,
                               Appointment appointment, String reason, ReferralStatus status)
        implements ReferralEvent {
}
