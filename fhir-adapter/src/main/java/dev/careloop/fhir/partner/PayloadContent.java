package dev.careloop.fhir.partner;

import java.util.Arrays;
import java.util.Optional;

/** How much of each changed resource a notification carries (Subscriptions Backport backport-payload-content). */
public enum PayloadContent {
    /** No resource, not even its id: the partner asks $events or searches. */
    EMPTY("empty"),
    /** The URL of each changed resource on CareLoop's facade, for the partner to read. */
    ID_ONLY("id-only"),
    /** Each changed resource as it is after the change. */
    FULL_RESOURCE("full-resource");

    private final String code;

    PayloadContent(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static Optional<PayloadContent> fromCode(String code) {
        return Arrays.stream(values()).filter(c -> c.code.equals(code)).findFirst();
    }
}
