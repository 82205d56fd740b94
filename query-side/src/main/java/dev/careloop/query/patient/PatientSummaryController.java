package dev.careloop.query.patient;

import dev.careloop.api.Actor;
import dev.careloop.api.access.AccessLog;
import dev.careloop.api.access.ReadAccess;
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
    private final AccessLog accessLog;

    PatientSummaryController(PatientSummary summaries, AccessLog accessLog) {
        this.summaries = summaries;
        this.accessLog = accessLog;
    }

    @GetMapping("/{patientId}/summary")
    @Operation(summary = "Every referral, shared record and appointment about the patient that your organisation "
            + "may see, most recently changed first (the platform patient id, as on a referral's patient)")
    PatientSummary.Summary summary(@PathVariable String patientId, Actor actor) {
        PatientSummary.Summary summary = summaries.of(patientId, actor.organisation()).orElse(null);
        if (summary == null) {
            accessLog.record(ReadAccess.refused(actor, ReadAccess.REST, "PatientSummary", patientId,
                    "no such patient, or nothing about them shared with " + actor.organisation()));
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no such patient");
        }
        accessLog.record(ReadAccess.read(actor, ReadAccess.REST, "PatientSummary", patientId, patientId));
        return summary;
    }
}
