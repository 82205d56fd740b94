package dev.careloop.fhir.facade;

import ca.uhn.fhir.rest.annotation.At;
import ca.uhn.fhir.rest.annotation.Count;
import ca.uhn.fhir.rest.annotation.History;
import ca.uhn.fhir.rest.annotation.Since;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.DateRangeParam;
import dev.careloop.api.access.AccessLog;
import dev.careloop.api.access.ReadAccess;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Resource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;

/**
 * {@code GET /fhir/_history}: every version of every resource of the log's types the caller's organisation sees and
 * its token may read, newest first, with the parameters of a type's history ({@code _since}, {@code _at},
 * {@code _count}, {@code _offset}). A type the token has no read scope for is left out, not refused: the caller asked
 * for everything it may see. The access log has one search entry per type on the page, naming its resources.
 */
public class SystemHistory {

    private final List<LogResourceProvider<?>> types;
    private final AccessLog accessLog;

    SystemHistory(List<LogResourceProvider<?>> types, AccessLog accessLog) {
        this.types = List.copyOf(types);
        this.accessLog = accessLog;
    }

    @History
    public IBundleProvider history(@Since InstantType since, @At DateRangeParam at, @Count Integer count,
                                   RequestDetails request) {
        FhirCaller caller = CallerCheck.caller(request);
        List<List<Resource>> resources = new ArrayList<>();
        for (LogResourceProvider<?> type : types) {
            if (caller.may(type.getResourceType().getSimpleName(), FhirCaller.Access.READ)) {
                resources.addAll(type.histories(caller.organisation(), since));
            }
        }
        HistoryPage page = HistoryPage.of(resources, since, at, count, LogResourceProvider.offset(request));
        Map<String, List<String>> idsByType = new LinkedHashMap<>();
        for (Resource version : page.versions()) {
            List<String> ids = idsByType.computeIfAbsent(version.fhirType(), t -> new ArrayList<>());
            if (!ids.contains(version.getIdElement().getIdPart())) {
                ids.add(version.getIdElement().getIdPart());
            }
        }
        String asked = LogResourceProvider.query(request);
        String query = "_history" + (asked.isEmpty() ? "" : "&" + asked);
        for (Entry<String, List<String>> type : idsByType.entrySet()) {
            accessLog.record(ReadAccess.search(caller.actor(), ReadAccess.FHIR, type.getKey(), query, type.getValue(),
                    null));
        }
        return page.provider();
    }
}
