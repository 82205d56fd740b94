package dev.careloop.fhir.facade;

import dev.careloop.fhir.delivery.ReferencedResources;
import dev.careloop.fhir.directory.FhirDirectory;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Component;

import java.util.Optional;

/** The resources a push may carry along to make its references whole: the directory's, and the log's as /fhir reads them. */
@Component
class PushableResources implements ReferencedResources {

    private final FhirDirectory directory;
    private final FhirLog log;

    PushableResources(FhirDirectory directory, FhirLog log) {
        this.directory = directory;
        this.log = log;
    }

    @Override
    public Optional<Resource> find(String resourceType, String id, String organisation) {
        return FhirDirectory.serves(resourceType) ? directory.read(resourceType, id)
                : log.read(resourceType, id, organisation);
    }
}
