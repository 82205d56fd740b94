package dev.careloop.fhir.mapping;

import org.hl7.fhir.r4.model.Resource;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * One change in the log seen as FHIR R4: every resource of the aggregate as it is after the change (each with
 * {@code meta.versionId} = {@code version} and {@code meta.lastUpdated} = {@code recorded}), plus the Provenance
 * of this change and, for a disclosure, its AuditEvent. Partners receive it; {@code /fhir} serves it.
 *
 * @param aggregateType  the aggregate's type as stored in the log ("Referral", "SharedRecord", "AppointmentHandoff")
 * @param aggregateId    the aggregate's id, which is also the id of its main resources
 * @param version        the aggregate's version after the change (its sequence number + 1)
 * @param recorded       when the change was appended
 * @param referralId     the referral the change belongs to (the ordering key for delivery), or null
 * @param patientId      the patient the change is about ({@code system|value}), or null
 * @param organisations  the organisations that may see these resources after the change
 * @param resources      the resources, in a stable order
 */
public record FhirChange(String aggregateType, String aggregateId, long version, Instant recorded,
                         String referralId, String patientId, Set<String> organisations, List<Resource> resources) {
}
