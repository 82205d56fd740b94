package dev.careloop.api.referral;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** FHIR request-priority codes; each has its own service level (how soon the recipient must triage). */
public enum Priority {
    ROUTINE, URGENT, ASAP, STAT;

    @JsonValue
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Priority fromCode(String code) {
        for (Priority p : values()) {
            if (p.code().equalsIgnoreCase(code)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown priority '" + code + "' (routine, urgent, asap, stat)");
    }
}
