package dev.careloop.fhir.facade;

import ca.uhn.fhir.interceptor.api.Hook;
import dev.careloop.plumbing.ReadPositions;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import jakarta.servlet.http.HttpServletResponse;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Read-your-writes across nodes on the FHIR facade, as on /api ({@link ReadPositions}): a write answers the log
 * position of the newest event of the referrals it wrote.
 */
@Interceptor
class WritePositions {

    private static final Set<RestOperationTypeEnum> WRITES = EnumSet.of(RestOperationTypeEnum.CREATE,
            RestOperationTypeEnum.UPDATE, RestOperationTypeEnum.TRANSACTION);

    private final ReadPositions positions;

    WritePositions(JdbcTemplate jdbc) {
        this.positions = new ReadPositions(jdbc);
    }

    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean answerPosition(RequestDetails request, ResponseDetails answer, HttpServletResponse response) {
        if (!WRITES.contains(request.getRestOperationType()) || answer.getResponseCode() >= 300
                || answer.getResponseResource() == null) {
            return true;
        }
        Set<String> written = written(answer.getResponseResource());
        positions.ofWrite("FHIR write of " + written, written)
                .ifPresent(p -> response.setHeader(ReadPositions.HEADER, Long.toString(p)));
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
