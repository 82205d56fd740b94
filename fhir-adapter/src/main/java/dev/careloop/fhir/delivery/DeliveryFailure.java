package dev.careloop.fhir.delivery;

import java.time.Duration;

/**
 * A change a partner did not take. Retryable for 408, 429, 5xx, timeouts and broken connections;
 * permanent for the other 4xx (the request itself is wrong for that partner, a retry would get the same).
 *
 * @param status     the partner's HTTP status, or 0 when there was no answer
 * @param retryAfter what the partner's Retry-After asked for, or null
 */
class DeliveryFailure extends RuntimeException {

    private final boolean retryable;
    private final int status;
    private final Duration retryAfter;

    DeliveryFailure(String message, boolean retryable, int status, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    static DeliveryFailure ofStatus(String what, int status, Duration retryAfter, String body) {
        String detail = body == null || body.isBlank() ? "" : ": " + (body.length() > 300 ? body.substring(0, 300)
                + "..." : body);
        return new DeliveryFailure(what + " answered HTTP " + status + detail, isRetryable(status), status,
                retryAfter, null);
    }

    static DeliveryFailure noAnswer(String what, Throwable cause) {
        return new DeliveryFailure(what + " did not answer: " + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : " " + cause.getMessage()), true, 0, null, cause);
    }

    static boolean isRetryable(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    boolean retryable() {
        return retryable;
    }

    int status() {
        return status;
    }

    Duration retryAfter() {
        return retryAfter;
    }

    /** The delivery failure behind {@code t}, if there is one. */
    static DeliveryFailure in(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof DeliveryFailure f) {
                return f;
            }
        }
        return null;
    }
}
