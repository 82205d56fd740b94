package dev.careloop.fhir.facade;

import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/** OperationOutcomes that name the problem and where it is (FHIRPath expression), for the facade's 4xx answers. */
public final class Outcomes {
    private Outcomes() {
    }

    public static OperationOutcome error(IssueType type, String diagnostics, String expression) {
        OperationOutcome outcome = new OperationOutcome();
        OperationOutcome.OperationOutcomeIssueComponent issue = outcome.addIssue()
                .setSeverity(IssueSeverity.ERROR).setCode(type).setDiagnostics(diagnostics);
        if (expression != null) {
            issue.addExpression(expression);
            issue.addLocation(expression);
        }
        return outcome;
    }

    /** 422: the content is well-formed FHIR but CareLoop cannot take it, with the element at fault. */
    public static UnprocessableEntityException unprocessable(String expression, String diagnostics) {
        return new UnprocessableEntityException(expression + ": " + diagnostics,
                error(IssueType.PROCESSING, diagnostics, expression));
    }
}
