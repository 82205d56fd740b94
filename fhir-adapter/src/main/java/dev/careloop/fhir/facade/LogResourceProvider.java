package dev.careloop.fhir.facade;

import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.model.api.ResourceMetadataKeyEnum;
import ca.uhn.fhir.model.valueset.BundleEntrySearchModeEnum;
import ca.uhn.fhir.rest.api.SortOrderEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import org.hl7.fhir.r4.model.Reference;
import java.util.LinkedHashMap;
import java.util.Set;
import ca.uhn.fhir.rest.annotation.At;
import ca.uhn.fhir.rest.annotation.Count;
import ca.uhn.fhir.rest.annotation.History;
import ca.uhn.fhir.rest.annotation.Since;
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
    private final dev.careloop.fhir.delivery.ReferencedResources referenced;

    protected LogResourceProvider(Class<T> type, FhirLog log, ResourceIndex index, PatientIds ids,
                                  AccessLog accessLog, dev.careloop.fhir.delivery.ReferencedResources referenced) {
        this.type = type;
        this.referenced = referenced;
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

    /**
     * The versions of one resource, newest first: {@code _since} keeps those made at or after an instant, {@code _at}
     * those current at some time in a period, and {@code _count} / {@code _offset} page through them.
     */
    @History
    public IBundleProvider history(@IdParam IdType id, @Since InstantType since, @At DateRangeParam at,
                                   @Count Integer count, RequestDetails request) {
        FhirCaller caller = CallerCheck.caller(request);
        List<Resource> versions = log.history(typeName(), id.getIdPart(), caller.organisation());
        String read = id.getIdPart() + "/_history";
        if (versions.isEmpty()) {
            throw refused(caller, read, new ResourceNotFoundException(id.toUnqualifiedVersionless()));
        }
        HistoryPage page = HistoryPage.of(List.of(versions), since, at, count, offset(request));
        accessLog.record(ReadAccess.read(caller.actor(), ReadAccess.FHIR, typeName(), read,
                index.patientOf(typeName(), id.getIdPart())));
        return page.provider();
    }

    /**
     * Every version of every resource of this type the caller's organisation sees (as its search finds them), newest
     * first, with the same parameters as one resource's history. One access entry, as a search, names each resource.
     */
    @History
    public IBundleProvider typeHistory(@Since InstantType since, @At DateRangeParam at, @Count Integer count,
                                       RequestDetails request) {
        FhirCaller caller = CallerCheck.caller(request);
        HistoryPage page = HistoryPage.of(histories(caller.organisation(), since), since, at, count, offset(request));
        accessLog.record(ReadAccess.search(caller.actor(), ReadAccess.FHIR, typeName(), "_history&" + query(request),
                page.ids(), null));
        return page.provider();
    }

    /**
     * Each resource of this type {@code organisation} sees, changed at or after {@code since} (all when null), as its
     * versions newest first: a type's history, and its part of the whole system's.
     */
    List<List<Resource>> histories(String organisation, InstantType since) {
        Instant changedSince = since == null || since.getValue() == null ? null : since.getValue().toInstant();
        List<List<Resource>> resources = new ArrayList<>();
        for (ResourceIndex.Hit hit : index.visible(typeName(), organisation, changedSince)) {
            List<Resource> versions = log.history(hit.resourceType(), hit.id(), organisation);
            if (!versions.isEmpty()) {
                resources.add(versions);
            }
        }
        return resources;
    }

    static Integer offset(RequestDetails request) {
        String[] values = request.getParameters() == null ? null : request.getParameters().get("_offset");
        if (values == null || values.length == 0 || values[0] == null || values[0].isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(values[0].trim());
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("_offset must be a whole number");
        }
    }

    /**
     * What a search asks for, as each type's {@code @Search} method has it; null does not filter. {@code patient}
     * (also {@code subject}) is {@code Patient/{id}}, {@code {id}}, or with {@code :identifier} the patient's
     * {@code system|value} (the plain {@code patient=system|value} of earlier versions still works).
     */
    protected record Criteria(ReferenceParam patient, TokenOrListParam status, ReferenceParam owner,
                              ReferenceParam requester, DateRangeParam lastUpdated, TokenOrListParam ids,
                              TokenParam identifier, ReferenceParam focus) {

        static Criteria of(ReferenceParam patient, ReferenceParam subject, TokenOrListParam status,
                           DateRangeParam lastUpdated, TokenOrListParam ids) {
            if (patient != null && subject != null) {
                throw new InvalidRequestException("name the patient once: patient or subject");
            }
            return new Criteria(patient != null ? patient : subject, status, null, null, lastUpdated, ids, null, null);
        }

        Criteria with(ReferenceParam owner, ReferenceParam requester, TokenParam identifier, ReferenceParam focus) {
            return new Criteria(patient, status, owner, requester, lastUpdated, ids, identifier, focus);
        }
    }

    /**
     * The search every type shares: the index says which resources match and in what order ({@code _sort}:
     * {@code _lastUpdated}, {@code _id}, each may be descending); the log says what they are. {@code _include}d
     * and {@code _revinclude}d resources the caller may see come after the matches ({@code search.mode} include).
     * {@code _summary=count} answers the total alone.
     */
    protected IBundleProvider search(RequestDetails request, Criteria criteria, Integer count, Integer offset,
                                     SortSpec sort, Set<Include> includes, Set<Include> revIncludes) {
        FhirCaller caller = CallerCheck.caller(request);
        String organisation = caller.organisation();
        int pageSize = count == null ? DEFAULT_PAGE_SIZE : count;
        if (pageSize < 0 || pageSize > MAX_PAGE_SIZE) {
            throw new InvalidRequestException("_count must be between 0 and " + MAX_PAGE_SIZE);
        }
        if (countOnly(request)) {
            pageSize = 0;
        }
        int start = offset == null ? 0 : offset;
        if (start < 0) {
            throw new InvalidRequestException("_offset must not be negative");
        }
        Instant from = null;
        Instant to = null;
        boolean fromInclusive = true;
        boolean toInclusive = true;
        DateRangeParam lastUpdated = criteria.lastUpdated();
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
        ResourceIndex.Query query = new ResourceIndex.Query(typeName(), organisation, patient(criteria.patient()),
                values(criteria.status()), organisationId(criteria.owner()), organisationId(criteria.requester()),
                from, fromInclusive, to, toInclusive, values(criteria.ids()), identifier(criteria.identifier()),
                focus(criteria.focus()), sortKeys(sort));
        int total = index.count(query);
        List<Resource> matches = new ArrayList<>();
        if (pageSize > 0) {
            // The index says which; the log says what (and, again, whether the caller may still see it).
            for (ResourceIndex.Hit hit : index.find(query, start, pageSize)) {
                log.read(hit.resourceType(), hit.id(), organisation).ifPresent(matches::add);
            }
        }
        List<Resource> included = included(matches, includes, revIncludes, organisation).stream()
                // What the token may not read is never included, as it could not be read on its own.
                .filter(r -> caller.may(r.fhirType(), FhirCaller.Access.READ)).toList();
        List<IBaseResource> page = new ArrayList<>();
        for (Resource match : matches) {
            ResourceMetadataKeyEnum.ENTRY_SEARCH_MODE.put(match, BundleEntrySearchModeEnum.MATCH);
            page.add(match);
        }
        for (Resource include : included) {
            ResourceMetadataKeyEnum.ENTRY_SEARCH_MODE.put(include, BundleEntrySearchModeEnum.INCLUDE);
            page.add(include);
        }
        accessLog.record(ReadAccess.search(caller.actor(), ReadAccess.FHIR, typeName(), query(request),
                page.stream().map(r -> r.getIdElement().getIdPart()).distinct().toList(), query.patient()));
        SimpleBundleProvider provider = new SimpleBundleProvider(page);
        provider.setCurrentPageOffset(start);
        provider.setCurrentPageSize(pageSize);
        provider.setSize(total);
        provider.setPublished(InstantType.now());
        return provider;
    }

    /**
     * What {@code _include} and {@code _revinclude} add to {@code matches}: each resource once, none of the
     * matches again, and only what the caller's organisation may see.
     */
    private List<Resource> included(List<Resource> matches, Set<Include> includes, Set<Include> revIncludes,
                                    String organisation) {
        Map<String, Resource> added = new LinkedHashMap<>();
        java.util.Set<String> matched = new java.util.HashSet<>();
        matches.forEach(m -> matched.add(m.fhirType() + "/" + m.getIdElement().getIdPart()));
        for (Resource match : matches) {
            for (Include include : includes == null ? Set.<Include>of() : includes) {
                for (Reference reference : SearchReferences.of(match, include.getParamName())) {
                    IdType id = new IdType(reference.getReference());
                    if (include.getParamTargetType() != null
                            && !include.getParamTargetType().equals(id.getResourceType())) {
                        continue;
                    }
                    String key = id.getResourceType() + "/" + id.getIdPart();
                    if (!matched.contains(key) && !added.containsKey(key)) {
                        referenced.find(id.getResourceType(), id.getIdPart(), organisation)
                                .ifPresent(r -> added.put(key, r));
                    }
                }
            }
            for (Include revInclude : revIncludes == null ? Set.<Include>of() : revIncludes) {
                for (ResourceIndex.Hit hit : revIncluded(match, revInclude, organisation)) {
                    String key = hit.resourceType() + "/" + hit.id();
                    if (!matched.contains(key) && !added.containsKey(key)) {
                        log.read(hit.resourceType(), hit.id(), organisation).ifPresent(r -> added.put(key, r));
                    }
                }
            }
        }
        return new ArrayList<>(added.values());
    }

    private List<ResourceIndex.Hit> revIncluded(Resource match, Include revInclude, String organisation) {
        String key = match.fhirType() + "/" + match.getIdElement().getIdPart();
        return switch (revInclude.getParamType() + ":" + revInclude.getParamName()) {
            case "Task:focus" -> index.withFocus(key, organisation);
            case "Provenance:target" -> {
                ResourceKind kind = ResourceKind.of(match.fhirType());
                ResourceKind.Location location = kind == null ? null : kind.locate(match.getIdElement().getIdPart());
                yield location == null ? List.of() : index.provenancesOf(location.aggregateId(), organisation)
                        .stream().filter(hit -> provenanceTargets(hit, key, organisation)).toList();
            }
            default -> List.of();
        };
    }

    /** Whether the Provenance {@code hit} names {@code target} (any version of it). */
    private boolean provenanceTargets(ResourceIndex.Hit hit, String target, String organisation) {
        return log.read(hit.resourceType(), hit.id(), organisation)
                .map(p -> ((org.hl7.fhir.r4.model.Provenance) p).getTarget().stream()
                        .map(t -> new IdType(t.getReference()))
                        .anyMatch(t -> target.equals(t.getResourceType() + "/" + t.getIdPart())))
                .orElse(false);
    }

    private static boolean countOnly(RequestDetails request) {
        String[] summary = request.getParameters() == null ? null : request.getParameters().get("_summary");
        return summary != null && java.util.Arrays.asList(summary).contains("count");
    }

    private static List<String> values(TokenOrListParam tokens) {
        if (tokens == null) {
            return List.of();
        }
        return tokens.getValuesAsQueryTokens().stream().map(TokenParam::getValue)
                .filter(v -> v != null && !v.isBlank()).toList();
    }

    private static String identifier(TokenParam identifier) {
        if (identifier == null || identifier.getValue() == null) {
            return null;
        }
        return identifier.getSystem() == null || identifier.getSystem().isBlank() ? identifier.getValue()
                : identifier.getSystem() + "|" + identifier.getValue();
    }

    private static String focus(ReferenceParam focus) {
        if (focus == null || focus.getValue() == null) {
            return null;
        }
        String type = focus.getResourceType() == null || focus.getResourceType().isBlank() ? "ServiceRequest"
                : focus.getResourceType();
        return type + "/" + focus.getIdPart();
    }

    private static List<String> sortKeys(SortSpec sort) {
        List<String> keys = new ArrayList<>();
        for (SortSpec next = sort; next != null; next = next.getChain()) {
            String name = next.getParamName();
            if (!"_lastUpdated".equals(name) && !"_id".equals(name)) {
                throw new InvalidRequestException("_sort takes _lastUpdated or _id (each may be descending: -"
                        + "_lastUpdated), not " + name);
            }
            keys.add((next.getOrder() == SortOrderEnum.DESC ? "-" : "") + name);
        }
        return keys;
    }

    /** A 404 for the caller, once the access log has it as a refused read. */
    private ResourceNotFoundException refused(FhirCaller caller, String read, ResourceNotFoundException notFound) {
        accessLog.record(ReadAccess.refused(caller.actor(), ReadAccess.FHIR, typeName(), read,
                "no such " + typeName() + ", or " + caller.organisation() + " takes no part in it"));
        return notFound;
    }

    /** The search's parameters as sent, sorted by name: what the access log keeps as the query. */
    static String query(RequestDetails request) {
        Map<String, String[]> parameters = request.getParameters() == null ? Map.of() : request.getParameters();
        return new TreeMap<>(parameters).entrySet().stream()
                .flatMap(e -> java.util.Arrays.stream(e.getValue()).map(v -> e.getKey() + "=" + v))
                .collect(Collectors.joining("&"));
    }

    /**
     * The platform patient id a search names: {@code patient:identifier=system|value} (or, as before,
     * {@code patient=system|value}), else {@code Patient/{id}} or {@code {id}}.
     */
    private String patient(ReferenceParam patient) {
        if (patient == null || patient.getValue() == null || patient.getValue().isBlank()) {
            return null;
        }
        String chain = patient.getChain();
        String value = patient.getValue();
        if ("identifier".equals(chain) || (chain == null && value.contains("|"))) {
            int bar = value.indexOf('|');
            if (bar <= 0 || bar == value.length() - 1) {
                throw new InvalidRequestException("a patient is named by identifier as system|value");
            }
            return ids.idFor(value.substring(0, bar), value.substring(bar + 1));
        }
        if (chain != null && !chain.isBlank()) {
            throw new InvalidRequestException("patient takes one chain, :identifier, not :" + chain);
        }
        if (patient.getResourceType() != null && !"Patient".equals(patient.getResourceType())) {
            throw new InvalidRequestException("patient names a Patient, not a " + patient.getResourceType());
        }
        return patient.getIdPart();
    }

    private static String organisationId(ReferenceParam reference) {
        return reference == null || reference.getValue() == null ? null : reference.getIdPart();
    }
}
