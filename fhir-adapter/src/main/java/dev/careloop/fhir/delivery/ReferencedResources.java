package dev.careloop.fhir.delivery;

import org.hl7.fhir.r4.model.Resource;

import java.util.Optional;

/**
 * What a pushed resource may name besides the resources of its own change: the directory's Organization and
 * HealthcareService (anyone may have them), and the current version of a resource that {@code organisation} may see.
 */
public interface ReferencedResources {

    Optional<Resource> find(String resourceType, String id, String organisation);
}
