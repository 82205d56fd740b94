package dev.careloop.query;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Query parameters read one by one as strings, so that every one at fault is named, with the form it wants, in one
 * problem+json 400 ({@code errors: [{field, message}]}), rather than in a conversion message of the framework's.
 */
public final class QueryParameters {

    /** What a date parameter accepts, in every refusal of one. */
    public static final String DATE_FORMS = "must be a date (2026-12-01: the start of that day, UTC; as 'to', "
            + "the end of it) or an ISO-8601 instant with a zone (2026-12-01T09:00:00Z, 2026-12-01T10:00:00+01:00), in the years 0001 to 9999";

    private static final Instant FIRST = LocalDate.of(1, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant();
    private static final Instant AFTER_LAST = LocalDate.of(10_000, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant();

    private final List<Map<String, String>> errors = new ArrayList<>();

    /**
     * {@code value} as an instant. A date is a whole day in UTC: as the start of a window ({@code end} false) its
     * first instant, as the (exclusive) end of one the first instant of the next day, so {@code from=to=} a date
     * covers that day.
     */
    public Instant instant(String name, String value, boolean end) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        try {
            if (v.length() == 10) {
                LocalDate day = LocalDate.parse(v);
                return (end ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            Instant instant = OffsetDateTime.parse(v).toInstant();
            // What PostgreSQL and every client can hold: the years 0001 to 9999.
            if (!instant.isBefore(FIRST) && instant.isBefore(AFTER_LAST)) {
                return instant;
            }
        } catch (DateTimeException e) {
            // named below
        }
        error(name, DATE_FORMS);
        return null;
    }

    /** Names {@code field} as at fault; the request is refused by {@link #failIfAny()}. */
    public void error(String field, String message) {
        errors.add(Map.of("field", field, "message", message));
    }

    /** A 400 naming every parameter at fault, if any is. */
    public void failIfAny() {
        if (!errors.isEmpty()) {
            throw problem(HttpStatus.BAD_REQUEST, errors.size() + " parameter(s) are invalid", errors);
        }
    }

    /** A problem+json answer with {@code errors: [{field, message}]}. */
    public static ErrorResponseException problem(HttpStatus status, String detail, List<Map<String, String>> errors) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(status == HttpStatus.NOT_FOUND ? "Not found" : "Invalid request");
        problem.setProperty("errors", List.copyOf(errors));
        return new ErrorResponseException(status, problem, null);
    }
}
