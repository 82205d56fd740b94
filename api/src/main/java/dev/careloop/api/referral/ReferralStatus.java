package dev.careloop.api.referral;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * Where a referral stands: the FHIR Task.status and the finer business status of the HL7 BSeR / IHE 360X
 * state machine (codes 2.0 ... 7.0), plus CareLoop's on-hold while information is requested.
 */
public enum ReferralStatus {
    CREATED("received", "2.0", "Referral received", "awaiting triage"),
    ACCEPTED("accepted", "3.0", "Referral accepted", "accepted"),
    DECLINED("rejected", "4.0", "Referral declined", "declined"),
    SCHEDULED("in-progress", "5.1.1", "Appointment scheduled", "scheduled"),
    NO_SHOW("in-progress", "5.1.2", "Patient did not attend", "marked as a no-show"),
    APPOINTMENT_CANCELLED("in-progress", "5.1.3", "Appointment cancelled", "without an appointment"),
    INTERIM_NOTE_SENT("in-progress", "5.1.4", "Interim consult note sent", "in progress"),
    CANCELLATION_REQUESTED("in-progress", "5.2", "Cancellation requested", "awaiting cancellation"),
    CANCELLED("cancelled", "6.0", "Referral cancelled", "cancelled"),
    COMPLETED("completed", "7.0", "Consult report sent", "completed"),
    INFORMATION_REQUESTED("on-hold", "8.0", "Information requested", "on hold for information");

    /** CareLoop's code system for business status (BSeR-aligned codes). */
    public static final String BUSINESS_STATUS_SYSTEM = "https://careloop.dev/fhir/CodeSystem/referral-business-status";

    private final String taskStatus;
    private final String businessStatus;
    private final String display;
    private final String phrase;

    ReferralStatus(String taskStatus, String businessStatus, String display, String phrase) {
        this.taskStatus = taskStatus;
        this.businessStatus = businessStatus;
        this.display = display;
        this.phrase = phrase;
    }

    /** FHIR Task.status code. */
    public String taskStatus() {
        return taskStatus;
    }

    /** Business status code (Task.businessStatus). */
    public String businessStatus() {
        return businessStatus;
    }

    public String display() {
        return display;
    }

    /** How a clinician would describe a referral in this state: "a referral that is {phrase}". */
    public String phrase() {
        return phrase;
    }

    @JsonValue
    public String code() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @JsonCreator
    public static ReferralStatus fromCode(String code) {
        for (ReferralStatus s : values()) {
            if (s.code().equalsIgnoreCase(code) || s.name().equalsIgnoreCase(code)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown referral status '" + code + "'");
    }
}
