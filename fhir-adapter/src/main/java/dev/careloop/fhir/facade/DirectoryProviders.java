package dev.careloop.fhir.facade;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.SimpleBundleProvider;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import dev.careloop.fhir.directory.FhirDirectory;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Resource;

import java.util.ArrayList;
import java.util.List;

/**
 * The organisation directory at {@code /fhir}: Organization and HealthcareService, read and search (every one,
 * by name). Every referral names them; what a partner received in a push it can read here again.
 */
final class DirectoryProviders {

    private DirectoryProviders() {
    }

    static List<DirectoryProvider<?>> all(FhirDirectory directory) {
        return List.of(new Organizations(directory), new HealthcareServices(directory));
    }

    abstract static class DirectoryProvider<T extends Resource> implements IResourceProvider {
        private final Class<T> type;
        private final FhirDirectory directory;

        DirectoryProvider(Class<T> type, FhirDirectory directory) {
            this.type = type;
            this.directory = directory;
        }

        @Override
        public Class<T> getResourceType() {
            return type;
        }

        @Read
        public T read(@IdParam IdType id) {
            return directory.read(type.getSimpleName(), id.getIdPart()).map(type::cast)
                    .orElseThrow(() -> new ResourceNotFoundException(id));
        }

        @Search
        public IBundleProvider search() {
            return new SimpleBundleProvider(new ArrayList<IBaseResource>(directory.all(type.getSimpleName())));
        }
    }

    public static final class Organizations extends DirectoryProvider<Organization> {
        Organizations(FhirDirectory directory) {
            super(Organization.class, directory);
        }
    }

    public static final class HealthcareServices extends DirectoryProvider<HealthcareService> {
        HealthcareServices(FhirDirectory directory) {
            super(HealthcareService.class, directory);
        }
    }
}
