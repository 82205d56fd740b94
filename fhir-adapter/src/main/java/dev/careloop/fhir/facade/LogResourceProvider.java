package dev.careloop.fhir.facade;

import ca.uhn.fhir.model.api.ResourceMetadataKeyEnum;
import ca.uhn.fhir.model.valueset.BundleEntryTransactionMethodEnum;
import ca.uhn.fhir.rest.annotation.History;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.SimpleBundleProvider;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import dev.careloop.api.PatientIds;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Resource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * read, vread and instance _history of one resource type, all from the log ({@link FhirLog}), and the search
 * every type shares (patient, status, _lastUpdated, _count/_offset paging) on the index ({@link ResourceIndex}).
 * What the caller's organisation may not see is a 404, exactly as if it did not exist, and never a search hit.
 */
public abstract class LogResourceProvider<T extends Resource> implements IResourceProvider {

    static final int DEFAULT_PAGE_SIZE = 20;
    static final int MAX_PAGE_SIZE = 100;

    private final Class<T> type;
    private final FhirLog log;
    private final ResourceIndex index;
    private final PatientIds ids;

    protected LogResourceProvider(Class<T> type, FhirLog log, ResourceIndex index, PatientIds ids) {
        this.type = type;
        this.log = log;
        this.index = index;
        this.ids = ids;
    }

    @Override
    public Class<T> getResourceType() {
        return type;
    }

    private String typeName() {
        return type.getSimpleName();
    }

    @Read(version = true)
    public T read(@IdParam IdType id, RequestDetails request) {
        String organisation = CallerCheck.caller(request).organisation();
        Resource found;
        if (id.hasVersionIdPart()) {
            Long version = id.isVersionIdPartValidLong() ? id.getVersionIdPartAsLong() : null;
            found = version == null ? null
                    : log.vread(typeName(), id.getIdPart(), version, organisation).orElse(null);
        } else {
            found = log.read(typeName(), id.getIdPart(), organisation).orElse(null);
        }
        if (found == null) {
            throw new ResourceNotFoundException(id);
        }
        return type.cast(found);
    }

    @History
    public IBundleProvider history(@IdParam IdType id, RequestDetails request) {
        List<Resource> versions = log.history(typeName(), id.getIdPart(), CallerCheck.caller(request).organisation());
        if (versions.isEmpty()) {
            throw new ResourceNotFoundException(id.toUnqualifiedVersionless());
        }
        for (Resource version : versions) {
            // A history entry says how each version came about (R4 bdl-3, bdl-4): HAPI fills entry.request and
            // entry.response from these.
            String versionId = version.getMeta().getVersionId();
            version.setIdElement(new IdType(typeName(), version.getIdElement().getIdPart(), versionId));
            ResourceMetadataKeyEnum.ENTRY_TRANSACTION_METHOD.put(version, "1".equals(versionId)
                    ? BundleEntryTransactionMethodEnum.POST : BundleEntryTransactionMethodEnum.PUT);
        }
        return new SimpleBundleProvider(new ArrayList<IBaseResource>(versions));
    }

    /** The search every type shares; {@code owner} and {@code requester} for the types that have them. */
    protected IBundleProvider search(RequestDetails request, TokenParam patient, TokenParam status,
                                     ReferenceParam owner, ReferenceParam requester, DateRangeParam lastUpdated,
                                     Integer count, Integer offset) {
        String organisation = CallerCheck.caller(request).organisation();
        int pageSize = count == null ? DEFAULT_PAGE_SIZE : count;
        if (pageSize < 0 || pageSize > MAX_PAGE_SIZE) {
            throw new InvalidRequestException("_count must be between 0 and " + MAX_PAGE_SIZE);
        }
        int start = offset == null ? 0 : offset;
        if (start < 0) {
            throw new InvalidRequestException("_offset must not be negative");
        }
        Instant from = null;
        Instant to = null;
        boolean fromInclusive = true;
        boolean toInclusive = true;
        if (lastUpdated != null) {
            DateParam lower = lastUpdated.getLowerBound();
            DateParam upper = lastUpdated.getUpperBound();
            if (lower != null && lower.getValue() != null) {
                from = lower.getPrefix() == ParamPrefixEnum.GREATERTHAN ? lower.getValue().toInstant()
                        : lastUpdated.getLowerBoundAsInstant().toInstant();
                fromInclusive = lower.getPrefix() != ParamPrefixEnum.GREATERTHAN;
            }
            if (upper != null && upper.getValue() != null) {
                to = upper.getPrefix() == ParamPrefixEnum.LESSTHAN ? upper.getValue().toInstant()
                        : lastUpdated.getUpperBoundAsInstant().toInstant();
                toInclusive = upper.getPrefix() != ParamPrefixEnum.LESSTHAN;
            }
        }
        ResourceIndex.Query query = new ResourceIndex.Query(typeName(), organisation, patient(patient),
                status == null ? null : status.getValue(), organisationId(owner), organisationId(requester),
                from, fromInclusive, to, toInclusive);
        int total = index.count(query);
        List<IBaseResource> page = new ArrayList<>();
        if (pageSize > 0) {
            // The index says which; the log says what (and, again, whether the caller may still see it).
            for (ResourceIndex.Hit hit : index.find(query, start, pageSize)) {
                log.read(hit.resourceType(), hit.id(), organisation).ifPresent(page::add);
            }
        }
        return new Page(page, total);
    }

    /** {@code system|value} (the patient's identifier) or {@code Patient/{platform id}}. */
    private String patient(TokenParam patient) {
        if (patient == null || patient.getValue() == null) {
            return null;
        }
        if (patient.getSystem() != null && !patient.getSystem().isBlank()) {
            return ids.idFor(patient.getSystem(), patient.getValue());
        }
        String value = patient.getValue();
        return value.startsWith("Patient/") ? value.substring("Patient/".length()) : value;
    }

    private static String organisationId(ReferenceParam reference) {
        return reference == null || reference.getValue() == null ? null : reference.getIdPart();
    }

    /** One page of hits, already cut at the requested offset; {@code total} counts every hit. */
    private static final class Page extends SimpleBundleProvider {
        private final List<IBaseResource> resources;
        private final int total;

        Page(List<IBaseResource> resources, int total) {
            super(resources);
            this.resources = resources;
            this.total = total;
            setPublished(InstantType.now());
        }

        @Override
        public Integer size() {
            return total;
        }

        @Override
        public List<IBaseResource> getResources(int from, int to) {
            return resources.subList(Math.min(from, resources.size()), Math.min(to, resources.size()));
        }
    }
}
