package dev.careloop.web;

import java.util.List;
import java.util.Map;

/**
 * The REST API refused a call (RFC 9457 problem+json): the page shows the API's own words, field by field.
 *
 * @param status the HTTP status
 * @param title  the problem's title
 * @param detail the problem's detail
 * @param fields each bad field and what is wrong with it, in the API's order
 */
public final class ApiProblem extends RuntimeException {

    private final int status;
    private final String title;
    private final String detail;
    private final List<FieldError> fields;

    public ApiProblem(int status, String title, String detail, List<FieldError> fields) {
        super(status + " " + title + (detail == null ? "" : ": " + detail));
        this.status = status;
        this.title = title == null ? "Refused" : title;
        this.detail = detail;
        this.fields = fields == null ? List.of() : List.copyOf(fields);
    }

    /** One {@code errors[]} entry of the problem. */
    public record FieldError(String field, String message) {
    }

    static ApiProblem of(int status, Map<String, Object> body) {
        List<FieldError> fields = body.get("errors") instanceof List<?> list ? list.stream()
                .filter(Map.class::isInstance).map(Map.class::cast)
                .map(e -> new FieldError(String.valueOf(e.get("field")), String.valueOf(e.get("message"))))
                .toList() : List.of();
        return new ApiProblem(status, text(body.get("title")), text(body.get("detail")), fields);
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return detail;
    }

    public List<FieldError> fields() {
        return fields;
    }

    /**
     * The resource may not be as the page showed it: the REST API answers a stale If-Match with 409 (412 is the
     * HTTP norm, kept for an API behind a proxy that says so), and 409 is also its answer to a step the state no
     * longer allows. Whether someone else changed it is for the page to tell by comparing versions.
     */
    public boolean stale() {
        return status == 409 || status == 412;
    }

    public boolean notFound() {
        return status == 404;
    }

    /** What to show the person: the detail, or the title when there is none. */
    public String message() {
        return detail == null || detail.isBlank() ? title : detail;
    }
}
