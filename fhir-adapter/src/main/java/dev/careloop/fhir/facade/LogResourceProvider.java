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
import dev.careloop.api.access.AccessLog;
import dev.careloop.api.access.ReadAccess;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Resource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * read, vread and instance _history of one resource type, all from the log ({@link FhirLog}), and the search
 * every type shares (patient, status, _lastUpdated, _count/_offset paging) on the index ({@link ResourceIndex}).
 * What the caller's organisation may not see is a 404, exactly as if it did not exist, and never a search hit.
 * Every read, history and search is one entry of the access log (a 404 as refused), before the answer is sent.
 */
public abstract class LogResourceProvider<T extends Resource> implements IResourceProvider {

    static final int DEFAULT_PAGE_SIZE = 20;
    static final int MAX_PAGE_SIZE = 100;

    private final Class<T> type;
    private final FhirLog log;
    private final ResourceIndex index;
    private final PatientIds ids;
    private final AccessLog accessLog;

    protected LogResourceProvider(Class<T> type, FhirLog log, ResourceIndex index, PatientIds ids,
                                  AccessLog accessLog) {
        this.type = type;
        this.log = log;
        this.index = index;
        this.ids = ids;
        this.accessLog = accessLog;
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
        FhirCaller caller = CallerCheck.caller(request);
        String organisation = caller.organisation();
        Resource found;
        if (id.hasVersionIdPart()) {
            Long version = id.isVersionIdPartValidLong() ? id.getVersionIdPartAsLong() : null;
            found = version == null ? null
                    : log.vread(typeName(), id.getIdPart(), version, organisation).orElse(null);
        } else {
            found = log.read(typeName(), id.getIdPart(), organisation).orElse(null);
        }
        String read = id.getIdPart() + (id.hasVersionIdPart() ? "/_history/" + id.getVersionIdPart() : "");
        if (found == null) {
            throw refused(caller, read, new ResourceNotFoundException(id));
        }
        accessLog.record(ReadAccess.read(caller.actor(), ReadAccess.FHIR, typeName(), read,
                index.patientOf(typeName(), id.getIdPart())));
        return type.cast(found);
    }

    @History
    public IBundleProvider history(@IdParam IdType id, RequestDetails request) {
        FhirCaller caller = CallerCheck.caller(request);
        List<Resource> versions = log.history(typeName(), id.getIdPart(), caller.organisation());
        String read = id.getIdPart() + "/_history";
        if (versions.isEmpty()) {
            throw refused(caller, read, new ResourceNotFoundException(id.toUnqualifiedVersionless()));
        }
        accessLog.record(ReadAccess.read(caller.actor(), ReadAccess.FHIR, typeName(), read,
                index.patientOf(typeName(), id.getIdPart())));
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
        FhirCaller caller = CallerCheck.caller(request);
        String organisation = caller.organisation();
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
        accessLog.record(ReadAccess.search(caller.actor(), ReadAccess.FHIR, typeName(), query(request),
                page.stream().map(r -> r.getIdElement().getIdPart()).toList(), query.patient()));
        return new Page(page, total);
    }

    /** A 404 for the caller, once the access log has it as a refused read. */
    private ResourceNotFoundException refused(FhirCaller caller, String read, ResourceNotFoundException notFound) {
        accessLog.record(ReadAccess.refused(caller.actor(), ReadAccess.FHIR, typeName(), read,
                "no such " + typeName() + ", or " + caller.organisation() + " takes no part in it"));
        return notFound;
    }

    /** The search's parameters as sent, sorted by name: what the access log keeps as the query. */
    private static String query(RequestDetails request) {
        Map<String, String[]> parameters = request.getParameters() == null ? Map.of() : request.getParameters();
        return new TreeMap<>(parameters).entrySet().stream()
                .flatMap(e -> java.util.Arrays.stream(e.getValue()).map(v -> e.getKey() + "=" + v))
                .collect(Collectors.joining("&"));
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
