package dev.careloop.fhir.facade;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import dev.careloop.fhir.directory.FhirPeople;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Resource;

import java.util.List;

/**
 * The persons who acted, at {@code /fhir}: {@code Practitioner/{id}} and {@code PractitionerRole/{id}}, what
 * Provenance and AuditEvent agents name. Read only (no search: a person is found through what they did); a person
 * the caller's organisation neither employs nor shares anything with is a 404 ({@link FhirPeople}).
 */
final class PeopleProviders {

    private PeopleProviders() {
    }

    static List<PersonProvider<?>> all(FhirPeople people) {
        return List.of(new Practitioners(people), new PractitionerRoles(people));
    }

    abstract static class PersonProvider<T extends Resource> implements IResourceProvider {
        private final Class<T> type;
        private final FhirPeople people;

        PersonProvider(Class<T> type, FhirPeople people) {
            this.type = type;
            this.people = people;
        }

        @Override
        public Class<T> getResourceType() {
            return type;
        }

        @Read
        public T read(@IdParam IdType id, RequestDetails request) {
            return people.read(type.getSimpleName(), id.getIdPart(), CallerCheck.caller(request).organisation())
                    .map(type::cast).orElseThrow(() -> new ResourceNotFoundException(id));
        }
    }

    public static final class Practitioners extends PersonProvider<Practitioner> {
        Practitioners(FhirPeople people) {
            super(Practitioner.class, people);
        }
    }

    public static final class PractitionerRoles extends PersonProvider<PractitionerRole> {
        PractitionerRoles(FhirPeople people) {
            super(PractitionerRole.class, people);
        }
    }
}
