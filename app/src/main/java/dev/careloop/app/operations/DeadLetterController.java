package dev.careloop.app.operations;

import dev.careloop.api.Actor;
import dev.careloop.app.security.Roles;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import java.util.List;
import java.util.Set;

/** The event processors' dead letters, for administrators: see them, retry a sequence, or give it up. */
@RestController
@RequestMapping("/api/admin/dead-letters")
@Tag(name = "Administration: dead letters",
        description = "Events a read model, the audit trail, the FHIR index or a saga could not take, per processing "
                + "group")
class DeadLetterController {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterController.class);

    record Retried(String group, String sequence, String outcome) {
    }

    private final ProjectionDeadLetters deadLetters;

    DeadLetterController(ProjectionDeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    @GetMapping
    @Operation(summary = "Every processing group with its dead-lettered sequences: each letter's event and cause")
    List<ProjectionDeadLetters.Group> list(Actor actor) {
        requireAdmin(actor);
        return deadLetters.list();
    }

    @PostMapping("/{group}/{sequence}/retry")
    @Operation(summary = "Hand the sequence's events to the group's handlers again, oldest first",
            responses = {
                    @ApiResponse(responseCode = "200", description = "Tried: outcome handled (the letters are gone) "
                            + "or failed-again (they stay, with the new cause)"),
                    @ApiResponse(responseCode = "403", description = "Not an administrator"),
                    @ApiResponse(responseCode = "404", description = "No such group or sequence")})
    Retried retry(@PathVariable String group, @PathVariable String sequence, Actor actor) {
        requireAdmin(actor);
        ProjectionDeadLetters.RetryOutcome outcome = deadLetters.retry(group, sequence);
        if (outcome == ProjectionDeadLetters.RetryOutcome.NOT_FOUND) {
            throw notFound(group, sequence);
        }
        log.warn("Dead letters of sequence {} of processing group {} retried by {} ({}): {}", sequence, group,
                actor.userId(), actor.organisation(), outcome);
        return new Retried(group, sequence, outcome == ProjectionDeadLetters.RetryOutcome.HANDLED
                ? "handled" : "failed-again");
    }

    @DeleteMapping("/{group}/{sequence}")
    @Operation(summary = "Give up the sequence's events for good: the read model never gets them",
            responses = {
                    @ApiResponse(responseCode = "204", description = "Evicted"),
                    @ApiResponse(responseCode = "403", description = "Not an administrator"),
                    @ApiResponse(responseCode = "404", description = "No such group or sequence")})
    ResponseEntity<Void> evict(@PathVariable String group, @PathVariable String sequence, Actor actor) {
        requireAdmin(actor);
        List<ProjectionDeadLetters.Letter> evicted = deadLetters.evict(group, sequence);
        if (evicted.isEmpty()) {
            throw notFound(group, sequence);
        }
        log.warn("Dead letters of sequence {} of processing group {} evicted by {} ({}): events {} will not be "
                        + "projected", sequence, group, actor.userId(), actor.organisation(),
                evicted.stream().map(ProjectionDeadLetters.Letter::eventId).toList());
        return ResponseEntity.noContent().build();
    }

    private static ResponseStatusException notFound(String group, String sequence) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "no dead letters of sequence "
                + ProjectionDeadLetters.shown(sequence) + " in processing group " + ProjectionDeadLetters.shown(group));
    }

    private static void requireAdmin(Actor actor) {
        Roles.require(actor, Set.of(Actor.ADMIN), "only administrators may see or handle dead letters");
    }
}
