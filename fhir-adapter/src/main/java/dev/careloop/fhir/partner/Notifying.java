package dev.careloop.fhir.partner;

import java.time.Duration;
import java.util.List;

/**
 * How a rest-hook partner is notified: the SubscriptionTopic its notifications name (null: CareLoop's configured
 * topic), how much of each resource they carry and how often a heartbeat comes (null: the configured interval for a
 * partner an administrator registered; never for a Subscription that asked for none).
 *
 * @param subscription whether the partner subscribed itself through {@code /fhir/Subscription} (it then has a row in
 *                     fhir_subscription), rather than being registered by an administrator
 * @param filters      a Subscription's filters (a resource of a type they name is notified only when one of them
 *                     matches it; a filter without parameters matches its whole type); none for an administrator's
 *                     partner
 */
public record Notifying(String topic, PayloadContent content, Duration heartbeatPeriod, boolean subscription,
                        List<SubscriptionFilter> filters) {

    /** A partner an administrator registered: id-only, the configured topic and heartbeat interval. */
    public static final Notifying REGISTERED = new Notifying(null, PayloadContent.ID_ONLY, null, false, List.of());

    public Notifying {
        filters = filters == null ? List.of() : List.copyOf(filters);
    }

    /** Whether a resource of a type the partner takes, of a change about {@code patientId}, passes its filters. */
    public boolean passes(org.hl7.fhir.r4.model.Resource resource, String patientId) {
        List<SubscriptionFilter> ofType = filters.stream().filter(f -> f.type().equals(resource.fhirType())).toList();
        return ofType.isEmpty() || ofType.stream().anyMatch(f -> f.matches(resource, patientId));
    }
}
