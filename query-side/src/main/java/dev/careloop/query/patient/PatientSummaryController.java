package dev.careloop.query.patient;

import dev.careloop.api.Actor;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** A patient's care summary across referrals, shared records and appointments. */
@RestController
@RequestMapping("/api/patients")
@Tag(name = "Patients", description = "Everything about a patient your organisation may see")
class PatientSummaryController {

    private final PatientSummary summaries;

    PatientSummaryController(PatientSummary summaries) {
        this.summaries = summaries;
    }

    @GetMapping("/{patientId}/summary")
    @Operation(summary = "Every referral, shared record and appointment about the patient that your organisation "
            + "may see, most recently changed first (the platform patient id, as on a referral's patient)")
    PatientSummary.Summary summary(@PathVariable String patientId, Actor actor) {
        return summaries.of(patientId, actor.organisation())
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no such patient"));
    }
}
