package dev.careloop.command.web;

import dev.careloop.command.rules.Refusal;
import dev.careloop.command.rules.Rules;
import dev.careloop.plumbing.IfMatch;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import java.util.List;
import java.util.Map;

/** Refused commands as RFC 9457 problems: nothing was written. */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class CommandProblems {

    @ExceptionHandler(Refusal.class)
    ResponseEntity<ProblemDetail> refused(Refusal refusal) {
        HttpStatus status = switch (refusal.kind()) {
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case FORBIDDEN -> HttpStatus.FORBIDDEN;
            case CONFLICT -> HttpStatus.CONFLICT;
            case INVALID -> HttpStatus.BAD_REQUEST;
        };
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, refusal.getMessage());
        if (refusal.field() != null) {
            problem.setTitle("Invalid request");
            problem.setProperty("errors", List.of(Map.of("field", refusal.field(), "message", refusal.getMessage())));
        }
        return ResponseEntity.status(status).body(problem);
    }

    @ExceptionHandler(AggregateNotFoundException.class)
    ResponseEntity<ProblemDetail> notFound() {
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
                .body(ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "not found"));
    }

    /** Two writers raced for the same version of an aggregate; the loser may retry with a fresh ETag. */
    @ExceptionHandler(ConcurrencyException.class)
    ResponseEntity<ProblemDetail> concurrentChange() {
        return ResponseEntity.status(HttpStatus.CONFLICT).body(ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
                "it was changed by another request at the same time; read it again and retry"));
    }

    /**
     * A call that overwrites data without If-Match (RFC 6585; docs/API.md, "Rules every write follows"): the caller
     * reads, then sends the ETag it saw. Optional on intent-based transitions (accept, decline...), whose state
     * machine already refuses a stale intent.
     */
    @ExceptionHandler(IfMatch.Missing.class)
    ResponseEntity<ProblemDetail> ifMatchRequired() {
        String detail = "If-Match is required here: send the ETag (the version) you last read, such as \"3\", so that "
                + "this change cannot overwrite one you have not seen";
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.PRECONDITION_REQUIRED, detail);
        problem.setTitle("Precondition Required");
        problem.setProperty("errors", List.of(Map.of("field", "If-Match", "message", detail)));
        return ResponseEntity.status(HttpStatus.PRECONDITION_REQUIRED).body(problem);
    }

    /** An If-Match that is no version: a 400 naming the header, as any bad field. */
    @ExceptionHandler(IfMatch.Malformed.class)
    ResponseEntity<ProblemDetail> ifMatchMalformed() {
        return refused(new Rules.InvalidField("If-Match",
                "must be the ETag (the version) you last read, such as \"3\""));
    }

    @ExceptionHandler(IdempotentWrites.BadIdempotencyKey.class)
    ResponseEntity<ProblemDetail> badKey(IdempotentWrites.BadIdempotencyKey e) {
        return ResponseEntity.unprocessableEntity()
                .body(ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_ENTITY, e.getMessage()));
    }
}
