package dev.careloop.fhir.partner;

import java.time.Instant;
import java.util.Set;

/**
 * A partner EHR that receives the FHIR changes its organisation may see, of the resource types it asked for.
 *
 * @param startIndex the head of the log (global index) when it was registered: it receives later changes only
 */
public record Partner(String id, String organisation, String baseUrl, DeliveryMode mode, Set<String> resourceTypes,
                      PartnerAuth auth, boolean active, long startIndex, Instant registeredAt) {

    public Partner {
        resourceTypes = Set.copyOf(resourceTypes);
    }

    /** The Axon processing group (and event processor) that delivers to this partner. */
    public String processingGroup() {
        return processingGroupOf(id);
    }

    public static String processingGroupOf(String partnerId) {
        return "fhir-partner-" + partnerId;
    }
}
