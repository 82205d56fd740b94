package dev.careloop.fhir.facade;

import ca.uhn.fhir.model.api.ResourceMetadataKeyEnum;
import ca.uhn.fhir.model.valueset.BundleEntryTransactionMethodEnum;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.server.SimpleBundleProvider;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Resource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One page of a history: the versions of one or more resources, newest first, as {@code _since}, {@code _at},
 * {@code _count} and {@code _offset} ask. The page is cut here and handed to HAPI with its offset, so that HAPI's
 * {@code next} link asks for the page after it (and not, as a list of every version would, for the first again).
 */
record HistoryPage(List<Resource> versions, int offset, int size, int total) {

    /**
     * @param resources each resource's versions, newest first (as {@link FhirLog#history} gives them)
     */
    static HistoryPage of(List<List<Resource>> resources, InstantType since, DateRangeParam at, Integer count,
                          Integer offset) {
        int size = count == null ? LogResourceProvider.DEFAULT_PAGE_SIZE : count;
        if (size < 0 || size > LogResourceProvider.MAX_PAGE_SIZE) {
            throw new InvalidRequestException("_count must be between 0 and " + LogResourceProvider.MAX_PAGE_SIZE);
        }
        int start = offset == null ? 0 : offset;
        if (start < 0) {
            throw new InvalidRequestException("_offset must not be negative");
        }
        Instant from = since == null || since.getValue() == null ? null : since.getValue().toInstant();
        Instant atFrom = at == null || at.getLowerBoundAsInstant() == null ? null
                : at.getLowerBoundAsInstant().toInstant();
        Instant atTo = at == null || at.getUpperBoundAsInstant() == null ? null
                : at.getUpperBoundAsInstant().toInstant();
        List<Resource> kept = new ArrayList<>();
        for (List<Resource> versions : resources) {
            for (int i = 0; i < versions.size(); i++) {
                Instant made = lastUpdated(versions.get(i));
                // Newest first: the version before this one in the list replaced it.
                Instant replaced = i == 0 ? null : lastUpdated(versions.get(i - 1));
                boolean sinceOk = from == null || !made.isBefore(from);
                boolean atOk = (atTo == null || !made.isAfter(atTo)) && (atFrom == null || replaced == null
                        || replaced.isAfter(atFrom));
                if (sinceOk && atOk) {
                    kept.add(versions.get(i));
                }
            }
        }
        kept.sort(Comparator.comparing(HistoryPage::lastUpdated).reversed()
                .thenComparing(r -> r.getIdElement().getIdPart())
                .thenComparing(r -> -Long.parseLong(r.getMeta().getVersionId())));
        List<Resource> page = kept.subList(Math.min(start, kept.size()), Math.min(start + size, kept.size()));
        return new HistoryPage(List.copyOf(page), start, size, kept.size());
    }

    /** The ids of the resources on this page, each once. */
    List<String> ids() {
        return versions.stream().map(r -> r.getIdElement().getIdPart()).distinct().toList();
    }

    IBundleProvider provider() {
        List<IBaseResource> entries = new ArrayList<>();
        for (Resource version : versions) {
            // A history entry says how each version came about (R4 bdl-3, bdl-4): HAPI fills entry.request and
            // entry.response from these.
            String versionId = version.getMeta().getVersionId();
            version.setIdElement(new IdType(version.fhirType(), version.getIdElement().getIdPart(), versionId));
            ResourceMetadataKeyEnum.ENTRY_TRANSACTION_METHOD.put(version, "1".equals(versionId)
                    ? BundleEntryTransactionMethodEnum.POST : BundleEntryTransactionMethodEnum.PUT);
            entries.add(version);
        }
        SimpleBundleProvider provider = new SimpleBundleProvider(entries);
        provider.setCurrentPageOffset(offset);
        provider.setCurrentPageSize(size);
        provider.setSize(total);
        provider.setPublished(InstantType.now());
        return provider;
    }

    private static Instant lastUpdated(Resource resource) {
        return resource.getMeta().getLastUpdated().toInstant();
    }
}
