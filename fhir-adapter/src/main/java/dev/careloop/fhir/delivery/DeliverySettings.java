package dev.careloop.fhir.delivery;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * How CareLoop delivers FHIR changes to partner EHRs ({@code careloop.fhir.delivery.*}).
 *
 * @param connectTimeout         how long a connection to a partner may take
 * @param readTimeout            how long a partner may take to answer one request
 * @param attempts               tries of one change (and of one OAuth2 token) before it is dead-lettered
 * @param initialBackoff         the wait after the first failed try; doubled after each further one
 * @param maxBackoff             the longest wait between two tries of a change while it is being delivered
 * @param maxDeadLetterBackoff   the longest wait between two retries of a dead-lettered change
 * @param deadLetterPollInterval how often dead letters whose wait is over are retried
 * @param heartbeatInterval      how often rest-hook partners get a heartbeat notification
 * @param segments               parallel segments (threads) per partner; one referral is always in one segment
 * @param batchSize              changes per transaction of a partner's event processor
 * @param fhirBaseUrl            CareLoop's own FHIR base, in the ids of rest-hook notifications
 * @param topic                  the SubscriptionTopic canonical URL in rest-hook notifications
 */
@ConfigurationProperties("careloop.fhir.delivery")
public record DeliverySettings(
        @DefaultValue("PT5S") Duration connectTimeout,
        @DefaultValue("PT10S") Duration readTimeout,
        @DefaultValue("4") int attempts,
        @DefaultValue("PT0.5S") Duration initialBackoff,
        @DefaultValue("PT10S") Duration maxBackoff,
        @DefaultValue("PT10M") Duration maxDeadLetterBackoff,
        @DefaultValue("PT5S") Duration deadLetterPollInterval,
        @DefaultValue("PT1M") Duration heartbeatInterval,
        @DefaultValue("2") int segments,
        @DefaultValue("10") int batchSize,
        @DefaultValue("http://localhost:8080/fhir") String fhirBaseUrl,
        @DefaultValue("https://careloop.dev/fhir/SubscriptionTopic/referral-changes") String topic) {

    public DeliverySettings {
        if (attempts < 1) {
            throw new IllegalArgumentException("careloop.fhir.delivery.attempts must be at least 1");
        }
        if (segments < 1 || batchSize < 1) {
            throw new IllegalArgumentException("careloop.fhir.delivery segments and batch-size must be at least 1");
        }
    }

    Backoff inlineBackoff() {
        return new Backoff(initialBackoff, maxBackoff);
    }

    Backoff deadLetterBackoff() {
        return new Backoff(initialBackoff, maxDeadLetterBackoff);
    }
}
