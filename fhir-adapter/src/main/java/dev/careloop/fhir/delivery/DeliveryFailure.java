package dev.careloop.fhir.delivery;

import dev.careloop.fhir.partner.Partners;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.web.client.RestClientResponseException;

import javax.net.ssl.SSLException;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * A change a partner did not take. Retryable for 408, 429, 5xx, timeouts and broken connections;
 * permanent for the other 4xx (the request itself is wrong for that partner, a retry would get the same).
 * Its message is what the admin API shows (the partner's last error, the dead letter's cause): a status code or
 * a short reason in CareLoop's words, never what the partner answered, which is the partner's to log.
 *
 * @param status     the partner's HTTP status, or 0 when there was no answer
 * @param retryAfter what the partner's Retry-After asked for, or null
 */
class DeliveryFailure extends RuntimeException {

    private static final Pattern OAUTH2_ERROR_CODE = Pattern.compile("[a-z_]{1,40}");

    private final boolean retryable;
    private final int status;
    private final Duration retryAfter;

    DeliveryFailure(String message, boolean retryable, int status, Duration retryAfter, Throwable cause) {
        super(sanitised(message), cause);
        this.retryable = retryable;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    /** The partner (or, named in {@code what}, its token endpoint) answered {@code status}. */
    static DeliveryFailure ofStatus(String what, int status, Duration retryAfter) {
        return new DeliveryFailure(prefix(what) + "HTTP " + status, isRetryable(status), status, retryAfter, null);
    }

    /** No answer: the reason said plainly (refused, timed out...), never the exception's own text. */
    static DeliveryFailure noAnswer(String what, Throwable cause, DeliverySettings settings) {
        return noAnswer(what, null, cause, settings);
    }

    /** No answer from {@code host} (the name CareLoop called, named when it could not be resolved). */
    static DeliveryFailure noAnswer(String what, String host, Throwable cause, DeliverySettings settings) {
        return new DeliveryFailure(prefix(what) + reason(cause, host, settings), true, 0, null, cause);
    }

    /** The host of {@code url}, or null when it has none. */
    static String hostOf(String url) {
        try {
            return url == null ? null : URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** CareLoop may not call this address (see PartnerUrls): tried again only when an administrator asks. */
    static DeliveryFailure addressRefused(String what, String why) {
        return new DeliveryFailure(prefix(what) + "address refused: the URL " + why, false, 0, null, null);
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

    /**
     * What went wrong, for a log line: the delivery failure's own reason when there is one, else the innermost
     * cause that says something (its type and message), never a bare {@code null}.
     */
    static String causeLine(Throwable t) {
        DeliveryFailure failure = in(t);
        if (failure != null) {
            return failure.getMessage();
        }
        Throwable said = t;
        for (Throwable c = t; c != null && c.getCause() != c; c = c.getCause()) {
            if (c.getMessage() != null && !c.getMessage().isBlank()) {
                said = c;
            }
        }
        return sanitised(said.getClass().getSimpleName() + (said.getMessage() == null ? "" : ": " + said.getMessage()));
    }

    /** One line of at most 200 characters, without control characters: as the partner's health keeps it. */
    static String sanitised(String message) {
        return Partners.errorLine(message);
    }

    private static String prefix(String what) {
        return what == null || what.isBlank() ? "" : what + ": ";
    }

    private static String reason(Throwable cause, String host, DeliverySettings settings) {
        // A name that does not resolve first: Java's HTTP client reports it as a ConnectException without a message
        // whose cause says what really happened.
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof UnknownHostException || c instanceof UnresolvedAddressException) {
                return "unknown host" + (host == null || host.isBlank() ? "" : " " + host);
            }
        }
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof HttpConnectTimeoutException) {
                return "connection timed out after " + seconds(settings.connectTimeout());
            }
            if (c instanceof HttpTimeoutException || c instanceof SocketTimeoutException) {
                return "timed out after " + seconds(settings.readTimeout());
            }
            if (c instanceof ConnectException) {
                return "connection refused";
            }
            if (c instanceof SSLException) {
                return "TLS handshake failed";
            }
            if (c instanceof EOFException) {
                return "connection closed without an answer";
            }
            if (c instanceof InterruptedException) {
                return "interrupted while waiting for an answer";
            }
            if (c instanceof OAuth2AuthorizationException oauth) {
                String code = oauth.getError() == null ? null : oauth.getError().getErrorCode();
                return "client credentials refused" + (code != null && OAUTH2_ERROR_CODE.matcher(code).matches()
                        ? " (" + code + ")" : "");
            }
            if (c instanceof RestClientResponseException answered) {
                return "HTTP " + answered.getStatusCode().value();
            }
        }
        return "no answer (the connection failed)";
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
