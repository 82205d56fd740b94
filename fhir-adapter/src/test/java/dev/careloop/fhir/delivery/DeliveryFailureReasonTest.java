package dev.careloop.fhir.delivery;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** What a failed delivery says: a status or a plain reason, one short line, nothing of the partner's words. */
class DeliveryFailureReasonTest {

    private static final DeliverySettings SETTINGS = new DeliverySettings(Duration.ofSeconds(5),
            Duration.ofSeconds(10), 4, Duration.ofMillis(500), Duration.ofSeconds(10), Duration.ofMinutes(10),
            Duration.ofSeconds(5), Duration.ofMinutes(1), 2, 10, "http://localhost/fhir", "https://t.example");

    @Test
    void aStatusIsKeptAsItsCodeOnly() {
        assertThat(DeliveryFailure.ofStatus(null, 500, null).getMessage()).isEqualTo("HTTP 500");
        assertThat(DeliveryFailure.ofStatus("token endpoint", 400, null).getMessage())
                .isEqualTo("token endpoint: HTTP 400");
    }

    @Test
    void noAnswerIsSaidPlainlyWithoutTheExceptionsText() {
        assertThat(DeliveryFailure.noAnswer(null, new ConnectException("secret-host:1234 Connection refused"),
                SETTINGS).getMessage()).isEqualTo("connection refused");
        assertThat(DeliveryFailure.noAnswer(null, new HttpTimeoutException("request timed out"), SETTINGS)
                .getMessage()).isEqualTo("timed out after 10 s");
        assertThat(DeliveryFailure.noAnswer(null, new HttpConnectTimeoutException("HTTP connect timed out"),
                SETTINGS).getMessage()).isEqualTo("connection timed out after 5 s");
        assertThat(DeliveryFailure.noAnswer("token endpoint", new RuntimeException(new IOException("x\u0000y")),
                SETTINGS).getMessage()).isEqualTo("token endpoint: no answer (the connection failed)");
    }

    @Test
    void aNameThatDoesNotResolveIsAnUnknownHostNamedNotAConnectionRefused() {
        ConnectException fromHttpClient = new ConnectException();
        fromHttpClient.initCause(new UnresolvedAddressException());

        assertThat(DeliveryFailure.noAnswer(null, "ehr.partner.invalid", fromHttpClient, SETTINGS).getMessage())
                .isEqualTo("unknown host ehr.partner.invalid");
        assertThat(DeliveryFailure.noAnswer("token endpoint", "auth.partner.invalid",
                new RuntimeException(new UnknownHostException("auth.partner.invalid")), SETTINGS).getMessage())
                .isEqualTo("token endpoint: unknown host auth.partner.invalid");
        assertThat(DeliveryFailure.noAnswer(null, null, fromHttpClient, SETTINGS).getMessage())
                .isEqualTo("unknown host").doesNotContain("null");
    }

    @Test
    void anyReasonIsOneLineOfAtMost200Characters() {
        String sanitised = DeliveryFailure.sanitised("first\r\nsecond\u0000third\u2028" + "x".repeat(500));

        assertThat(sanitised).hasSizeLessThanOrEqualTo(200).startsWith("first second third x").endsWith("...")
                .doesNotContainPattern("\\p{Cntrl}");
    }
}
