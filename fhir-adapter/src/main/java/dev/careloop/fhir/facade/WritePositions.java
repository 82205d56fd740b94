package dev.careloop.fhir.facade;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import jakarta.servlet.http.HttpServletResponse;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Read-your-writes across nodes on the FHIR facade, as on /api (docs/OPERATIONS.md): a write answers
 * {@value #HEADER}, the log position of the newest event of the referrals it wrote. A read (under /api or /fhir) that
 * sends it back is answered once this node's read models have processed that position (app's ReadPositionFilter).
 */
@Interceptor
class WritePositions {

    static final String HEADER = "CareLoop-Position";

    private static final Logger log = LoggerFactory.getLogger(WritePositions.class);
    private static final Set<RestOperationTypeEnum> WRITES = EnumSet.of(RestOperationTypeEnum.CREATE,
            RestOperationTypeEnum.UPDATE, RestOperationTypeEnum.TRANSACTION);

    private final JdbcTemplate jdbc;

    WritePositions(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean answerPosition(RequestDetails request, ResponseDetails answer, HttpServletResponse response) {
        if (!WRITES.contains(request.getRestOperationType()) || answer.getResponseCode() >= 300
                || answer.getResponseResource() == null) {
            return true;
        }
        Set<String> written = written(answer.getResponseResource());
        if (written.isEmpty()) {
            return true;
        }
        try {
            Long position = jdbc.queryForObject("SELECT max(global_index) FROM domain_event_entry "
                    + "WHERE aggregate_identifier = ANY(?)", Long.class, (Object) written.toArray(String[]::new));
            if (position != null) {
                response.setHeader(HEADER, Long.toString(position));
            }
        } catch (RuntimeException e) {
            // The write committed: answer it without the header rather than fail it.
            log.warn("Committed FHIR write of {}; its log position could not be read: {}", written, e.toString());
        }
        return true;
    }

    /** The ids of what a write answered: the resource (ids are the aggregates'), or a transaction's locations. */
    static Set<String> written(IBaseResource resource) {
        Set<String> ids = new TreeSet<>();
        if (resource instanceof Bundle bundle) {
            for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                if (entry.getResponse().hasLocation()) {
                    ids.add(new IdType(entry.getResponse().getLocation()).getIdPart());
                }
            }
        } else if (resource.getIdElement() != null && resource.getIdElement().hasIdPart()
                && !"OperationOutcome".equals(resource.fhirType())) {
            ids.add(resource.getIdElement().getIdPart());
        }
        return ids;
    }
}
