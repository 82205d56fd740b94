package dev.careloop.fhir.partner;

import java.time.Instant;
import java.util.Set;

/**
 * A partner EHR that receives the FHIR changes its organisation may see, of the resource types it asked for.
 *
 * @param startIndex the head of the log (global index) when it was registered: it receives later changes only
 * @param notifying  how a rest-hook partner is notified (a Subscription's own choices)
 */
public record Partner(String id, String organisation, String baseUrl, DeliveryMode mode, Set<String> resourceTypes,
                      PartnerAuth auth, boolean active, long startIndex, Instant registeredAt, Notifying notifying) {

    public Partner {
        resourceTypes = Set.copyOf(resourceTypes);
        notifying = notifying == null ? Notifying.REGISTERED : notifying;
    }

    /** A partner an administrator registered. */
    public Partner(String id, String organisation, String baseUrl, DeliveryMode mode, Set<String> resourceTypes,
                   PartnerAuth auth, boolean active, long startIndex, Instant registeredAt) {
        this(id, organisation, baseUrl, mode, resourceTypes, auth, active, startIndex, registeredAt,
                Notifying.REGISTERED);
    }

    /**
     * Whether the partner takes {@code resource}, of a change about {@code patientId}: a type it asked for, passing
     * its Subscription's filters.
     */
    public boolean takes(org.hl7.fhir.r4.model.Resource resource, String patientId) {
        return resourceTypes.contains(resource.fhirType()) && notifying.passes(resource, patientId);
    }

    /** The same partner, delivering or not. */
    public Partner withActive(boolean active) {
        return new Partner(id, organisation, baseUrl, mode, resourceTypes, auth, active, startIndex, registeredAt,
                notifying);
    }

    /** The Axon processing group (and event processor) that delivers to this partner. */
    public String processingGroup() {
        return processingGroupOf(id);
    }

    public static String processingGroupOf(String partnerId) {
        return "fhir-partner-" + partnerId;
    }
}
