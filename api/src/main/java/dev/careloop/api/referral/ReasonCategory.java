package dev.careloop.api.referral;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Why a referral was declined or forwarded, as a code analytics can count (docs/ANALYTICS.md), next to the free-text
 * reason. Optional: events written before it have none.
 */
public enum ReasonCategory {
    NOT_OUR_SERVICE("not-our-service"),
    CAPACITY("capacity"),
    INSUFFICIENT_INFORMATION("insufficient-information"),
    PATIENT_CHOICE("patient-choice"),
    OTHER("other");

    /** The codes as a regular expression, for request validation. */
    public static final String CODES = "not-our-service|capacity|insufficient-information|patient-choice|other";

    private final String code;

    ReasonCategory(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The category of {@code code}, or null for null; an unknown code is an IllegalArgumentException. */
    public static ReasonCategory ofCode(String code) {
        if (code == null) {
            return null;
        }
        return Arrays.stream(values()).filter(c -> c.code.equals(code)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("must be one of " + Arrays.stream(values())
                        .map(ReasonCategory::code).collect(Collectors.joining(", "))));
    }
}
