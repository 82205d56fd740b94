package dev.careloop.app.web;

import dev.careloop.api.InputRules;
import org.springframework.beans.TypeMismatchException;
import dev.careloop.api.PurposeOfUse;
import dev.careloop.app.security.InvalidPurposeOfUse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.ValueInstantiationException;

import com.fasterxml.jackson.annotation.JsonValue;

import java.lang.reflect.Method;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * RFC 9457 problem+json for everything Spring MVC itself refuses; a 400 lists every bad field as
 * {@code errors: [{field, message}]}.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
class Problems extends ResponseEntityExceptionHandler {

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        List<Map<String, String>> errors = new ArrayList<>();
        for (FieldError e : ex.getBindingResult().getFieldErrors()) {
            errors.add(Map.of("field", e.getField(), "message", String.valueOf(e.getDefaultMessage())));
        }
        ex.getBindingResult().getGlobalErrors().forEach(e ->
                errors.add(Map.of("field", e.getObjectName(), "message", String.valueOf(e.getDefaultMessage()))));
        errors.sort((a, b) -> a.get("field").compareTo(b.get("field")));
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                errors.size() + " field(s) are invalid");
        problem.setTitle("Invalid request");
        problem.setProperty("errors", errors);
        return ResponseEntity.badRequest().body(problem);
    }

    /**
     * A body Jackson could not read: which field and what form it wants ({@code "start": "2026-12-10T09:00:00"}
     * has no zone), or which limit a hostile body broke (nesting, string or number length).
     */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StreamConstraintsException limit) {
                return invalid("the request body breaks a JSON limit: " + withoutInternals(limit.getOriginalMessage()),
                        List.of());
            }
            if (t instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
                String field = pathOf(mismatch);
                String message = expected(mismatch.getTargetType());
                return invalid("1 field(s) are invalid", List.of(Map.of("field", field, "message", message)));
            }
            if (t instanceof MismatchedInputException mismatch) {
                return invalid("the request body must be " + article(expected(mismatch.getTargetType())), List.of());
            }
            // A value the type's own constructor refused (an enum's or a record's creator): its reason, named.
            if (t instanceof ValueInstantiationException refused && !refused.getPath().isEmpty()
                    && refused.getCause() instanceof IllegalArgumentException reason && reason.getMessage() != null) {
                return invalid("1 field(s) are invalid", List.of(Map.of("field", pathOf(refused),
                        "message", reason.getMessage())));
            }
        }
        return invalid("the request body is not valid JSON for this operation", List.of());
    }

    /** A request parameter or path variable of the wrong form: named, with the form it wants. */
    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
                                                        HttpStatusCode status, WebRequest request) {
        String name = ex instanceof MethodArgumentTypeMismatchException m ? m.getName() : ex.getPropertyName();
        return invalid("1 parameter(s) are invalid", List.of(Map.of("field", String.valueOf(name),
                "message", expected(ex.getRequiredType()))));
    }

    /** A command or event refused by the input rules (on the command or event bus): every field at fault. */
    @ExceptionHandler(InputRules.InvalidInput.class)
    ResponseEntity<Object> invalidInput(InputRules.InvalidInput ex) {
        List<Map<String, String>> errors = ex.violations().stream()
                .map(v -> Map.of("field", v.field(), "message", v.message())).toList();
        return invalid(errors.size() + " field(s) are invalid", errors);
    }

    private static ResponseEntity<Object> invalid(String detail, List<Map<String, String>> errors) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
        problem.setTitle("Invalid request");
        if (!errors.isEmpty()) {
            problem.setProperty("errors", errors);
        }
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    /** {@code patient.birthDate}, {@code slots[1].start}: the JSON path of the value Jackson could not take. */
    private static String pathOf(JacksonException ex) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : ex.getPath()) {
            if (reference.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** The form a value of {@code type} takes, in words a client developer can act on. */
    static String expected(Class<?> type) {
        if (type == null) {
            return "is not of the expected form";
        }
        if (type == Instant.class || type == OffsetDateTime.class || type == ZonedDateTime.class) {
            return "must be an ISO-8601 instant with a zone (Z or an offset), such as 2026-12-10T09:00:00Z, "
                    + "in the years 0001 to 9999";
        }
        if (type == LocalDate.class) {
            return "must be a date as YYYY-MM-DD, such as 1975-01-02";
        }
        if (type.isEnum()) {
            return "must be one of " + Arrays.stream(type.getEnumConstants()).map(Problems::jsonValue)
                    .collect(Collectors.joining(", "));
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "must be a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "must be true or false";
        }
        if (type == String.class) {
            return "must be a string";
        }
        if (List.class.isAssignableFrom(type) || type.isArray() || java.util.Collection.class.isAssignableFrom(type)) {
            return "must be an array";
        }
        return "must be a JSON object";
    }

    /** "must be a JSON object" as the rest of a sentence: "a JSON object". */
    private static String article(String expected) {
        return expected.startsWith("must be ") ? expected.substring("must be ".length()) : expected;
    }

    /** An enum constant as JSON spells it: its {@code @JsonValue} (such as {@code routine}), else its name. */
    private static String jsonValue(Object constant) {
        for (Method method : constant.getClass().getMethods()) {
            if (method.isAnnotationPresent(JsonValue.class) && method.getParameterCount() == 0) {
                try {
                    return String.valueOf(method.invoke(constant));
                } catch (ReflectiveOperationException e) {
                    break;
                }
            }
        }
        return String.valueOf(constant);
    }

    /** Jackson's limit message without the name of the setting it comes from. */
    private static String withoutInternals(String message) {
        int from = message == null ? -1 : message.indexOf(", from `");
        return from < 0 ? String.valueOf(message) : message.substring(0, from) + ")";
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
                                                                            HttpHeaders headers,
                                                                            HttpStatusCode status,
                                                                            WebRequest request) {
        List<Map<String, String>> errors = new ArrayList<>();
        ex.getParameterValidationResults().forEach(r -> r.getResolvableErrors().forEach(e ->
                errors.add(Map.of("field", String.valueOf(r.getMethodParameter().getParameterName()),
                        "message", String.valueOf(e.getDefaultMessage())))));
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                errors.size() + " parameter(s) are invalid");
        problem.setTitle("Invalid request");
        problem.setProperty("errors", errors);
        return ResponseEntity.badRequest().body(problem);
    }

    /** An unknown X-Purpose-Of-Use (or purpose_of_use claim): the allowed codes are in the message. */
    @ExceptionHandler(InvalidPurposeOfUse.class)
    ResponseEntity<Object> unknownPurpose(InvalidPurposeOfUse ex) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "1 field(s) are invalid");
        problem.setTitle("Invalid request");
        problem.setProperty("errors", List.of(Map.of("field", InvalidPurposeOfUse.FIELD, "message", ex.getMessage())));
        problem.setProperty("allowedPurposesOfUse", PurposeOfUse.ALL);
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
