package dev.careloop.fhir.facade;

import ca.uhn.fhir.interceptor.api.Hook;
import dev.careloop.plumbing.DatabaseOutage;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import org.hl7.fhir.instance.model.api.IBaseOperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.regex.Pattern;

/**
 * Every error the facade answers is an OperationOutcome whose diagnostics a partner's developer can act on and
 * that names nothing of CareLoop's insides: no Java class, package or exception name, no parser internals.
 * Messages that would are replaced by what they mean for the caller; a server failure says only that it failed
 * (and is logged whole).
 */
@Interceptor
public class UserLevelOutcomes {

    private static final Logger log = LoggerFactory.getLogger(UserLevelOutcomes.class);

    /** Java names (a.b.C, java., Exception), library internals and stack frames. */
    private static final Pattern INTERNALS = Pattern.compile(
            "dev\\.careloop|\\bjava\\.|\\bjavax\\.|\\bjakarta\\.|ca\\.uhn\\.|org\\.hl7\\.|org\\.springframework"
                    + "|com\\.fasterxml|tools\\.jackson|Exception|\\bError\\b|Throwable|StreamReadFeature|REDACTED"
                    + "|\\bat [\\w$.]+\\(|\\b[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+\\.[A-Z][\\w$]*");
    private static final Pattern UNPARSABLE = Pattern.compile("(?i)failed to parse|could not be parsed|unexpected "
            + "(character|end)|malformed|not (well-formed|valid json)");

    @Hook(value = Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION, order = -100)
    public BaseServerResponseException userLevel(RequestDetails request, Throwable thrown) {
        if (thrown instanceof DataFormatException unreadable) {
            // What the caller sent (a parameter's value, mostly) HAPI could not read: the caller's to fix, a 400.
            String diagnostics = diagnostics(400, unreadable.getMessage());
            return new InvalidRequestException(diagnostics, Outcomes.error(IssueType.INVALID, diagnostics, null));
        }
        // HAPI wraps what a provider threw in an InternalErrorException (500): the cause says whether it was an outage.
        if ((!(thrown instanceof BaseServerResponseException) || thrown instanceof InternalErrorException)
                && DatabaseOutage.causedBy(thrown)) {
            log.warn("FHIR request {} {} answered 503: the database cannot be reached: {}",
                    request == null ? "" : request.getRequestType(), request == null ? "" : request.getRequestPath(),
                    thrown.toString());
            return unavailable();
        }
        if (!(thrown instanceof BaseServerResponseException answer)) {
            log.error("FHIR request {} {} failed", request == null ? "" : request.getRequestType(),
                    request == null ? "" : request.getRequestPath(), thrown);
            return failure();
        }
        if (answer.getStatusCode() >= 500) {
            log.error("FHIR request {} {} answered {}", request == null ? "" : request.getRequestType(),
                    request == null ? "" : request.getRequestPath(), answer.getStatusCode(), answer);
            return failure();
        }
        IBaseOperationOutcome given = answer.getOperationOutcome();
        if (given instanceof OperationOutcome outcome && outcome.hasIssue()) {
            outcome.getIssue().forEach(issue -> issue.setDiagnostics(
                    diagnostics(answer.getStatusCode(), issue.getDiagnostics())));
        } else {
            answer.setOperationOutcome(Outcomes.error(issueType(answer.getStatusCode()),
                    diagnostics(answer.getStatusCode(), answer.getMessage()), null));
        }
        return answer;
    }

    /** {@code text} when it names nothing internal, else what an answer of {@code status} means for the caller. */
    static String diagnostics(int status, String text) {
        if (text != null && !text.isBlank() && !INTERNALS.matcher(text).find()) {
            return text;
        }
        if (text != null && UNPARSABLE.matcher(text).find()) {
            return "the body could not be parsed as FHIR JSON or XML";
        }
        return switch (status) {
            case 400 -> "the request could not be understood: check the URL, its parameters and the body";
            case 401 -> "a valid bearer token is required";
            case 403 -> "this token may not do that";
            case 404 -> "not found";
            case 405 -> "this interaction is not supported here";
            case 409 -> "the resource was changed meanwhile: read it again and retry";
            case 412 -> "the version named in If-Match is not the current one";
            case 413 -> "the request is too large";
            case 428 -> "If-Match is required: send the version you last read, such as W/\"3\"";
            case 415 -> "send FHIR JSON (application/fhir+json) or FHIR XML (application/fhir+xml)";
            case 422 -> "the content is not valid FHIR R4 for this interaction";
            default -> "the request could not be processed";
        };
    }

    /** The database could not be reached: a 503 the partner may retry after the seconds Retry-After says. */
    private static BaseServerResponseException unavailable() {
        BaseServerResponseException answer = new UnclassifiedServerFailureException(503, DatabaseOutage.DETAIL,
                Outcomes.error(IssueType.TRANSIENT, DatabaseOutage.DETAIL, null));
        answer.addResponseHeader("Retry-After", Integer.toString(DatabaseOutage.RETRY_AFTER_SECONDS));
        return answer;
    }

    private static BaseServerResponseException failure() {
        String diagnostics = "the server could not answer this request; the failure has been logged";
        return new InternalErrorException(diagnostics, Outcomes.error(IssueType.EXCEPTION, diagnostics, null));
    }

    private static IssueType issueType(int status) {
        return switch (status) {
            case 401 -> IssueType.LOGIN;
            case 403 -> IssueType.FORBIDDEN;
            case 404 -> IssueType.NOTFOUND;
            case 405 -> IssueType.NOTSUPPORTED;
            case 409, 412 -> IssueType.CONFLICT;
            case 413 -> IssueType.TOOCOSTLY;
            case 422 -> IssueType.PROCESSING;
            default -> IssueType.INVALID;
        };
    }
}
