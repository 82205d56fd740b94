package dev.careloop.fhir.inbound;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import dev.careloop.fhir.facade.CallerCheck;
import dev.careloop.fhir.facade.FhirCaller;
import dev.careloop.fhir.facade.Outcomes;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.util.List;
import java.util.Set;

/**
 * Between the caller's scopes (order 0) and validation (order 10): the body of a write is outlined in one cheap
 * pass ({@link BodyOutline}), and refused before anything parses or validates it when it nests too deeply (400),
 * holds more Bundle entries than {@code careloop.fhir.max-bundle-entries} (413), or has an entry whose resource
 * type and method the caller's scopes do not grant (403).
 */
@Interceptor
public class InboundLimits {

    /** JSON objects and arrays (XML elements) within each other; real FHIR content stays far below. */
    static final int MAX_DEPTH = 100;

    private static final Set<RestOperationTypeEnum> WRITES =
            Set.of(RestOperationTypeEnum.CREATE, RestOperationTypeEnum.UPDATE, RestOperationTypeEnum.TRANSACTION,
                    RestOperationTypeEnum.BATCH);

    private final int maxBundleEntries;

    public InboundLimits(int maxBundleEntries) {
        if (maxBundleEntries < 1) {
            throw new IllegalArgumentException("careloop.fhir.max-bundle-entries must be at least 1");
        }
        this.maxBundleEntries = maxBundleEntries;
    }

    @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED, order = 5)
    public void outline(RequestDetails request) {
        if (!WRITES.contains(request.getRestOperationType())) {
            return;
        }
        byte[] body = request.loadRequestContents();
        if (body == null || body.length == 0) {
            // InboundValidation names what is missing.
            return;
        }
        BodyOutline outline;
        try {
            outline = BodyOutline.of(body, MAX_DEPTH, maxBundleEntries);
        } catch (BodyOutline.Refused refused) {
            if (refused.status() == PayloadTooLargeException.STATUS_CODE) {
                throw new PayloadTooLargeException(refused.getMessage(),
                        Outcomes.error(IssueType.TOOCOSTLY, refused.getMessage(), "Bundle.entry"));
            }
            throw new InvalidRequestException(refused.getMessage(),
                    Outcomes.error(IssueType.STRUCTURE, refused.getMessage(), null));
        }
        FhirCaller caller = CallerCheck.caller(request);
        List<BodyOutline.Entry> entries = outline.entries();
        for (BodyOutline.Entry entry : entries) {
            if (entry.resourceType() != null) {
                CallerCheck.require(caller, entry.resourceType(), CallerCheck.access(entry.method()));
            }
        }
    }
}
