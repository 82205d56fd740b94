package dev.careloop.fhir.facade;

import dev.careloop.fhir.delivery.ReferencedResources;
import dev.careloop.fhir.directory.FhirDirectory;
import dev.careloop.fhir.directory.FhirPatients;
import dev.careloop.fhir.directory.FhirPeople;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Component;

import java.util.Optional;

/**
 * The resources a push may carry along to make its references whole: the directory's, the patient as the partner's
 * organisation knows them, and the log's as /fhir reads them.
 */
@Component
class PushableResources implements ReferencedResources {

    private final FhirDirectory directory;
    private final FhirLog log;
    private final FhirPatients patients;
    private final FhirPeople people;

    PushableResources(FhirDirectory directory, FhirLog log, FhirPatients patients, FhirPeople people) {
        this.directory = directory;
        this.log = log;
        this.patients = patients;
        this.people = people;
    }

    @Override
    public Optional<Resource> find(String resourceType, String id, String organisation) {
        if (FhirPeople.serves(resourceType)) {
            return people.read(resourceType, id, organisation);
        }
        if ("Patient".equals(resourceType)) {
            return patients.read(id, organisation).map(Resource.class::cast);
        }
        return FhirDirectory.serves(resourceType) ? directory.read(resourceType, id)
                : log.read(resourceType, id, organisation);
    }
}
