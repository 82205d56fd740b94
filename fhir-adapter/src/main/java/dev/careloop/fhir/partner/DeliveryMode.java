package dev.careloop.fhir.partner;

import java.util.Arrays;
import java.util.Optional;

/** How a partner receives changes. */
public enum DeliveryMode {
    /** A transaction Bundle of PUTs to deterministic ids, POSTed to the partner's base URL. */
    TRANSACTION("transaction"),
    /** R4 Subscriptions Backport rest-hook notifications with id-only payloads, for partners that pull. */
    REST_HOOK("rest-hook");

    private final String code;

    DeliveryMode(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static Optional<DeliveryMode> fromCode(String code) {
        return Arrays.stream(values()).filter(m -> m.code.equals(code)).findFirst();
    }
}
