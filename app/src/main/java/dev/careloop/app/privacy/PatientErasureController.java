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

/**
 * Erasure of a patient, for administrators where the law requires a patient to be forgotten; and the migration of
 * patients named by unkeyed ids to keyed ids.
 */
@RestController
@Tag(name = "Administration: erasure", description = "Forget a patient (crypto-shredding)")
class PatientErasureController {

    private final PatientErasure erasure;

    private final PatientRekeying rekeying;

    PatientErasureController(PatientErasure erasure, PatientRekeying rekeying) {
        this.erasure = erasure;
        this.rekeying = rekeying;
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

    @PostMapping("/api/admin/patients/rekey")
    @Operation(summary = "Name every patient still named by an unkeyed id (events before ids were keyed) by the "
            + "keyed id: a PatientRekeyed event on each of their referrals, records and appointments. Runs at start "
            + "too; running it again appends nothing")
    PatientRekeying.Report rekey(Actor actor) {
        Roles.require(actor, Set.of(Actor.ADMIN), "only administrators may migrate patient ids");
        return rekeying.run(actor).orElseThrow(() -> new ResponseStatusException(HttpStatus.CONFLICT,
                "the patient-id migration is running on another node; ask again when it has finished"));
    }
}
