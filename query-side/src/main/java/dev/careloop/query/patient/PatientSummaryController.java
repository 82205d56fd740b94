package dev.careloop.query.patient;

import dev.careloop.api.Actor;
import dev.careloop.api.access.AccessLog;
import dev.careloop.api.access.ReadAccess;
import dev.careloop.query.AccessQueries;
import dev.careloop.query.QueryParameters;
import dev.careloop.query.audit.AuditReadModel;
import dev.careloop.query.audit.AuditTrail;
import dev.careloop.query.audit.ComplianceScope;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/** A patient's care summary across referrals, shared records and appointments; and finding a patient. */
@RestController
@RequestMapping("/api/patients")
@Tag(name = "Patients", description = "Everything about a patient your organisation may see")
class PatientSummaryController {

    private final PatientSummary summaries;
    private final PatientLookup lookup;
    private final ComplianceScope compliance;
    private final AuditReadModel trail;
    private final AuditTrail reads;
    private final AccessLog accessLog;

    PatientSummaryController(PatientSummary summaries, PatientLookup lookup, ComplianceScope compliance,
                             AuditReadModel trail, AuditTrail reads, AccessLog accessLog) {
        this.reads = reads;
        this.accessLog = accessLog;
        this.summaries = summaries;
        this.lookup = lookup;
        this.compliance = compliance;
        this.trail = trail;
    }

    /** The patients a lookup found, each as the read models name them. */
    record Found(List<PatientLookup.Found> items) {
    }

    @GetMapping
    @Operation(summary = "Find a patient you may see (clinic staff: in your organisation's referrals, records and "
            + "appointments; a compliance officer: in your part of the audit trail), by identifier (platform "
            + "patient id, MRN as system|value, or an MRN of your own identifier system) or by name and birth date; "
            + "a patient you may not see is a 404, as one that does not exist")
    Found find(Actor actor,
               @RequestParam(required = false) @Parameter(description = "platform patient id, system|value, or "
                       + "an MRN of your organisation's identifier system") String identifier,
               @RequestParam(required = false) @Parameter(description = "the whole name, any case") String name,
               @RequestParam(required = false) @Parameter(description = "YYYY-MM-DD") String birthDate,
               HttpServletRequest request) {
        QueryParameters p = new QueryParameters();
        boolean byIdentifier = present(identifier);
        LocalDate born = null;
        if (present(birthDate)) {
            try {
                born = LocalDate.parse(birthDate.trim());
            } catch (DateTimeException e) {
                p.error("birthDate", "must be a date as YYYY-MM-DD, such as 1975-02-01");
            }
        }
        if (byIdentifier && (present(name) || present(birthDate))) {
            p.error("identifier", "give an identifier, or a name and a birth date, not both");
        } else if (!byIdentifier && !(present(name) && present(birthDate))) {
            p.error(present(name) ? "birthDate" : "name", "give an identifier, or a name and a birth date");
        }
        p.failIfAny();
        Predicate<String> known = knownTo(actor);
        List<String> ids;
        try {
            ids = byIdentifier
                    ? List.of(lookup.resolve("identifier", identifier, actor.organisation(), known))
                    : lookup.byNameAndBirthDate(name, born).stream().filter(known).toList();
        } catch (ErrorResponseException unknownPatient) {
            accessLog.record(ReadAccess.refusedSearch(actor, ReadAccess.REST, "Patient", AccessQueries.of(request),
                    "no patient by this identifier that " + actor.organisation() + " may see"));
            throw unknownPatient;
        }
        List<PatientLookup.Found> found = ids.stream().map(lookup::demographics).flatMap(Optional::stream)
                .toList();
        List<String> foundIds = found.stream().map(PatientLookup.Found::patientId).toList();
        // A lookup is a read of patient data: the access log keeps the query and the patients it returned.
        accessLog.record(ReadAccess.search(actor, ReadAccess.REST, "Patient", AccessQueries.of(request), foundIds,
                foundIds.size() == 1 ? foundIds.get(0) : null));
        if (found.isEmpty()) {
            throw QueryParameters.problem(HttpStatus.NOT_FOUND, "no such patient", List.of(Map.of("field", "name",
                    "message", "no patient with this name and birth date that you may see")));
        }
        if (actor.roles().contains(Actor.COMPLIANCE)) {
            // An officer's lookup is a read of what the trail names, so it joins the trail like every other; by the
            // platform ids it found, never the MRN, name or birth date asked (the log keeps no identity in the clear).
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("by", byIdentifier ? "identifier" : "name and birth date");
            query.put(found.size() == 1 ? "patient" : "patients", String.join(",",
                    found.stream().map(PatientLookup.Found::patientId).toList()));
            reads.read(compliance.of(actor), "patient-lookup", query, found.size());
        }
        return new Found(found);
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

    /**
     * Whom the caller may find: staff, the patients of its organisation's clinical work; a compliance officer, the
     * patients its part of the audit trail names (a former party's included).
     */
    private Predicate<String> knownTo(Actor actor) {
        Predicate<String> clinical = id -> lookup.visibleTo(id, actor.organisation());
        if (!actor.roles().contains(Actor.COMPLIANCE)) {
            return clinical;
        }
        ComplianceScope.Officer officer = compliance.of(actor);
        return clinical.or(id -> trail.knows(officer, id));
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
