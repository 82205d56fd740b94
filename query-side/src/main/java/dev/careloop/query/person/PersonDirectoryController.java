package dev.careloop.query.person;

import dev.careloop.api.Actor;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.Map;

import static dev.careloop.query.replay.RowValues.strings;

/**
 * The persons directory of the caller's own organisation: those the local identity provider knows (with their
 * title) and those who have acted for it, for choosing whom a referral is assigned to. Another organisation's
 * persons are never listed; nothing here is about a patient.
 */
@RestController
@RequestMapping("/api/persons")
@Tag(name = "Persons", description = "Who works for the caller's organisation")
class PersonDirectoryController {

    static final List<String> ROLES = List.of(Actor.CLINICIAN, Actor.COORDINATOR, Actor.COMPLIANCE, Actor.ADMIN);

    /** One person: the subject assignments and audit entries name, their name, title (when known) and roles. */
    record Person(String subject, String name, String title, List<String> roles) {
    }

    private final JdbcTemplate jdbc;

    PersonDirectoryController(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @GetMapping
    @Operation(summary = "The persons of the caller's organisation, by name; role=clinician (or another role) "
            + "lists only those with that role")
    List<Person> list(Actor actor, @RequestParam(required = false) String role) {
        if (role != null && !ROLES.contains(role)) {
            throw new UnknownRole();
        }
        // The identity provider's name and title win: a person's token may carry an older name than the directory.
        return jdbc.query("""
                SELECT COALESCE(k.subject, s.subject) AS subject, COALESCE(k.name, s.name) AS name, k.title,
                       COALESCE(k.roles, s.roles) AS roles
                  FROM person_known k
                  FULL JOIN person_seen s ON s.organisation_id = k.organisation_id AND s.subject = k.subject
                 WHERE COALESCE(k.organisation_id, s.organisation_id) = ?
                   AND (?::text IS NULL OR ?::text = ANY (COALESCE(k.roles, s.roles)))
                 ORDER BY 2, 1""",
                (rs, i) -> new Person(rs.getString("subject"), rs.getString("name"), rs.getString("title"),
                        List.copyOf(strings(rs.getArray("roles")))),
                actor.organisation(), role, role);
    }

    @ExceptionHandler(UnknownRole.class)
    ResponseEntity<ProblemDetail> unknownRole() {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "1 parameter(s) are invalid");
        problem.setTitle("Invalid request");
        problem.setProperty("errors", List.of(Map.of("field", "role",
                "message", "must be one of " + String.join(", ", ROLES))));
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    static final class UnknownRole extends RuntimeException {
        UnknownRole() {
            super("unknown role", null, false, false);
        }
    }
}
