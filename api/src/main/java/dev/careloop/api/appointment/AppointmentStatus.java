package dev.careloop.api.appointment;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;

/** Where an appointment stands, with the FHIR R4 Appointment.status code it maps to. */
public enum AppointmentStatus {
    PROPOSED("proposed", "proposed"),
    BOOKED("booked", "booked"),
    ARRIVED("arrived", "arrived"),
    FULFILLED("fulfilled", "fulfilled"),
    CANCELLED("cancelled", "cancelled"),
    NO_SHOW("noshow", "marked as a no-show");

    private final String code;
    private final String phrase;

    AppointmentStatus(String code, String phrase) {
        this.code = code;
        this.phrase = phrase;
    }

    /** FHIR Appointment.status code. */
    @JsonValue
    public String code() {
        return code;
    }

    /** "cancelled", as in "an appointment that is cancelled cannot be rescheduled". */
    public String phrase() {
        return phrase;
    }

    @JsonCreator
    public static AppointmentStatus fromCode(String code) {
        return Arrays.stream(values()).filter(s -> s.code.equals(code)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown appointment status '" + code + "'"));
    }
}
