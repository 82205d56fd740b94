package dev.careloop.app.web;

import dev.careloop.plumbing.DatabaseOutage;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/**
 * What the container's error dispatch answers (a request the security firewall rejected, a sendError before MVC,
 * an exception no handler took): problem+json, or an OperationOutcome under /fhir, never Boot's default body or
 * an HTML page; and never the exception's message, which may name internal classes.
 */
@RestController
class ErrorEndpoint implements ErrorController {

    @RequestMapping("${server.error.path:${error.path:/error}}")
    ResponseEntity<byte[]> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i && i >= 400 ? i : 500;
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String path = uri == null ? request.getRequestURI() : uri.toString();
        // A filter (the token check, say) that could not reach the database: retry later, not a fault of ours.
        if (status == 500 && request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable thrown
                && DatabaseOutage.causedBy(thrown)) {
            return ResponseEntity.status(503).contentType(MediaType.parseMediaType(EdgeAnswers.contentType(path)))
                    .header(HttpHeaders.RETRY_AFTER, Integer.toString(DatabaseOutage.RETRY_AFTER_SECONDS))
                    .body(EdgeAnswers.body(path, 503, DatabaseOutage.DETAIL, List.of()));
        }
        return ResponseEntity.status(status).contentType(MediaType.parseMediaType(EdgeAnswers.contentType(path)))
                .body(EdgeAnswers.body(path, status, detail(status), List.of()));
    }

    static String detail(int status) {
        return switch (status) {
            case 400 -> "the request is malformed (its URL, headers or body cannot be read)";
            case 404 -> "there is nothing at this address";
            case 405 -> "this address does not take that method";
            case 413 -> "the request is too large";
            case 414 -> "the URL is too long";
            case 431 -> "the request headers are too large";
            default -> {
                HttpStatus known = HttpStatus.resolve(status);
                yield status >= 500 ? "something went wrong on our side; the request id in X-Request-Id "
                        + "helps us find it" : known == null ? "the request was refused" : known.getReasonPhrase();
            }
        };
    }
}
