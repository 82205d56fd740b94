package dev.careloop.api.disclosure;

import java.util.List;

/**
 * A change was delivered to a partner EHR: a disclosure of the patient's information outside CareLoop, for the
 * accounting of disclosures. Appended by the partner's delivery processor in the transaction that records the
 * delivery; stored without an aggregate. {@code patientId} is the platform's pseudonymous id (or null).
 */
public record DisclosedToPartner(String partnerId, String partnerOrganisation, String aggregateType,
                                 String aggregateId, long version, String referralId, String patientId,
                                 List<String> resourceTypes) {
}
