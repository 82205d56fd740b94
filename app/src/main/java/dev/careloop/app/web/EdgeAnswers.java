package dev.careloop.app.web;

import dev.careloop.api.InputRules;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Errors answered before Spring MVC or HAPI see the request (or after Tomcat gave up on it): RFC 9457
 * problem+json, or an OperationOutcome under {@code /fhir}, the same shapes the rest of the API answers; built
 * with Jackson, so any detail is escaped, and written as UTF-8.
 */
public final class EdgeAnswers {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EdgeAnswers() {
    }

    static boolean isFhir(String path) {
        return path != null && (path.equals("/fhir") || path.startsWith("/fhir/"));
    }

    /** The body of the answer for {@code path}, as bytes. */
    static byte[] body(String path, int status, String detail, List<InputRules.Violation> errors) {
        ObjectNode body = JSON.createObjectNode();
        if (isFhir(path)) {
            body.put("resourceType", "OperationOutcome");
            ArrayNode issues = body.putArray("issue");
            if (errors.isEmpty()) {
                issue(issues, status, detail, null);
            }
            errors.forEach(e -> issue(issues, status, e.field() + " " + e.message(), e.field()));
        } else {
            HttpStatus known = HttpStatus.resolve(status);
            body.put("type", "about:blank");
            body.put("title", errors.isEmpty() ? (known == null ? "Error" : known.getReasonPhrase())
                    : "Invalid request");
            body.put("status", status);
            body.put("detail", detail);
            if (!errors.isEmpty()) {
                ArrayNode list = body.putArray("errors");
                errors.forEach(e -> list.addObject().put("field", e.field()).put("message", e.message()));
            }
        }
        return JSON.writeValueAsBytes(body);
    }

    static String contentType(String path) {
        return isFhir(path) ? "application/fhir+json;charset=UTF-8" : MediaType.APPLICATION_PROBLEM_JSON_VALUE;
    }

    /**
     * Writes the answer, replacing whatever the response held (it must not be committed): problem+json, or an
     * OperationOutcome when {@code path} is under /fhir. Also what the security filters answer with.
     */
    public static void write(HttpServletResponse response, String path, int status, String detail,
                      List<InputRules.Violation> errors) throws IOException {
        byte[] bytes = body(path, status, detail, errors);
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType(contentType(path));
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setContentLength(bytes.length);
        OutputStream out = response.getOutputStream();
        out.write(bytes);
        out.flush();
    }

    private static void issue(ArrayNode issues, int status, String diagnostics, String expression) {
        ObjectNode issue = issues.addObject();
        issue.put("severity", "error");
        issue.put("code", status == 413 ? "too-long" : status == 401 ? "login" : status == 403 ? "forbidden"
                : status == 404 ? "not-found" : status >= 500 ? "exception" : "invalid");
        issue.put("diagnostics", diagnostics);
        if (expression != null) {
            issue.putArray("expression").add(expression);
        }
    }
}
