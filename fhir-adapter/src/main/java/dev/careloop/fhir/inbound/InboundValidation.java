package dev.careloop.fhir.inbound;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import dev.careloop.fhir.facade.Outcomes;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * Every resource a partner sends is checked before anything else reads it: a body that is not JSON or XML at all
 * is a 400; one that is not valid base R4 (a missing required element, an unknown one, a wrong code) is a 422
 * whose issues name each problem and where it is. Nothing is written for either.
 */
@Interceptor
public class InboundValidation {

    private static final Set<RestOperationTypeEnum> WRITES =
            Set.of(RestOperationTypeEnum.CREATE, RestOperationTypeEnum.UPDATE, RestOperationTypeEnum.TRANSACTION);

    private final R4Validator validator;

    public InboundValidation(R4Validator validator) {
        this.validator = validator;
    }

    /**
     * After the caller's scopes (CallerCheck) and the body's outline and limits (InboundLimits, order 5), before
     * HAPI parses the body for the handler.
     */
    @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED, order = 10)
    public void validate(RequestDetails request) {
        if (!WRITES.contains(request.getRestOperationType())) {
            return;
        }
        byte[] bytes = request.loadRequestContents();
        String body = bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
        if (body.isBlank()) {
            throw new InvalidRequestException("the request has no body: send a FHIR resource",
                    Outcomes.error(IssueType.REQUIRED, "the request has no body: send a FHIR resource", null));
        }
        EncodingEnum encoding = EncodingEnum.detectEncodingNoDefault(body);
        if (encoding == null) {
            throw malformed("the body is neither FHIR JSON nor FHIR XML");
        }
        List<SingleValidationMessage> errors;
        try {
            errors = validator.errors(body);
        } catch (RuntimeException unreadable) {
            throw malformed(unreadable.getMessage());
        }
        // FATAL: the validator could not read the body at all (broken JSON or XML); ERROR: it read it, and it is
        // not valid R4 (a wrong code, a missing or unknown element).
        errors.stream().filter(m -> m.getSeverity() == ResultSeverityEnum.FATAL).findFirst().ifPresent(fatal -> {
            throw malformed(fatal.getMessage());
        });
        if (!errors.isEmpty()) {
            throw new UnprocessableEntityException("not valid FHIR R4: " + errors.get(0).getLocationString() + ": "
                    + errors.get(0).getMessage(), outcome(errors));
        }
    }

    private static InvalidRequestException malformed(String why) {
        String diagnostics = "the body could not be parsed as FHIR: " + why;
        return new InvalidRequestException(diagnostics, Outcomes.error(IssueType.STRUCTURE, diagnostics, null));
    }

    static OperationOutcome outcome(List<SingleValidationMessage> errors) {
        OperationOutcome outcome = new OperationOutcome();
        for (SingleValidationMessage error : errors) {
            OperationOutcome.OperationOutcomeIssueComponent issue = outcome.addIssue()
                    .setSeverity(error.getSeverity() == ResultSeverityEnum.FATAL
                            ? OperationOutcome.IssueSeverity.FATAL : OperationOutcome.IssueSeverity.ERROR)
                    .setCode(IssueType.INVALID)
                    .setDiagnostics(error.getMessage());
            if (error.getLocationString() != null) {
                issue.addExpression(error.getLocationString());
                issue.addLocation(error.getLocationString());
            }
        }
        return outcome;
    }
}
