package dev.careloop.fhir.partner;

import java.time.Duration;

/**
 * How a rest-hook partner is notified: the SubscriptionTopic its notifications name (null: CareLoop's configured
 * topic), how much of each resource they carry and how often a heartbeat comes (null: the configured interval for a
 * partner an administrator registered; never for a Subscription that asked for none).
 *
 * @param subscription whether the partner subscribed itself through {@code /fhir/Subscription} (it then has a row in
 *                     fhir_subscription), rather than being registered by an administrator
 */
public record Notifying(String topic, PayloadContent content, Duration heartbeatPeriod, boolean subscription) {

    /** A partner an administrator registered: id-only, the configured topic and heartbeat interval. */
    public static final Notifying REGISTERED = new Notifying(null, PayloadContent.ID_ONLY, null, false);
}
