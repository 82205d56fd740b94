package dev.careloop.app.privacy;

import dev.careloop.api.Actor;
import dev.careloop.app.security.Roles;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import java.util.Set;

/** Erasure of a patient, for administrators where the law requires a patient to be forgotten. */
@RestController
@Tag(name = "Administration: erasure", description = "Forget a patient (crypto-shredding)")
class PatientErasureController {

    private final PatientErasure erasure;

    PatientErasureController(PatientErasure erasure) {
        this.erasure = erasure;
    }

    record ErasureRequest(@NotBlank @Size(max = 2000) String reason) {
    }

    @PostMapping("/api/admin/patients/{patientId}/erasure")
    @Operation(summary = "Erase a patient: destroy the key of their identity in the log and every copy outside it")
    PatientErasure.Report erase(@PathVariable String patientId, @Valid @RequestBody ErasureRequest body,
                                Actor actor) {
        Roles.require(actor, Set.of(Actor.ADMIN), "only administrators may erase a patient");
        if (!patientId.matches("[0-9a-f-]{36}")) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "patientId is a platform patient id (a UUID)");
        }
        return erasure.erase(patientId, body.reason(), actor);
    }
}
