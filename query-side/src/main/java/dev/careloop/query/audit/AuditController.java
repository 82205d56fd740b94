package dev.careloop.query.audit;

import dev.careloop.api.Actor;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit trail for compliance officers: who did what, when, for which organisation, on whose behalf and why,
 * searched and paged; and the accounting of disclosures for a patient. Every read is itself recorded.
 */
@RestController
@RequestMapping("/api/audit")
@Tag(name = "Audit", description = "For compliance officers: the audit trail, the accounting of disclosures "
        + "and (under /api/audit/referrals|records|appointments) any state as of a past instant")
class AuditController {

    private final AuditReadModel readModel;
    private final ComplianceScope scope;
    private final AuditTrail trail;
    private final AuditFilters filters;
    private final AuditSearch search;

    static final String PATIENT = "the patient: platform patient id, MRN as system|value, or an MRN of your "
            + "organisation's own identifier system; a patient not in your part of the trail is a 404";
    static final String FROM = "inclusive: a date (2026-12-01, from the start of that day UTC) or an ISO-8601 "
            + "instant with a zone";
    static final String TO = "exclusive: a date (2026-12-01, up to the end of that day UTC) or an ISO-8601 instant "
            + "with a zone";

    AuditController(AuditReadModel readModel, ComplianceScope scope, AuditTrail trail, AuditFilters filters,
                    AuditSearch search) {
        this.readModel = readModel;
        this.scope = scope;
        this.trail = trail;
        this.filters = filters;
        this.search = search;
    }

    /**
     * What an officer's search matched, with the scope it was answered in, and whether the officers' own lookups
     * (oversight) are among the entries or were left out.
     */
    record SearchResult(List<AuditReadModel.Entry> items, int page, int size, long totalItems, int totalPages,
                        String scope, boolean oversightIncluded) {
    }

    static final String INCLUDE_OVERSIGHT = "the compliance officers' own lookups (reads of the audit trail, "
            + "AuditTrailRead, and their reads of patient data for purpose HCOMPL) are accesses and stay accounted "
            + "for; true lists them, false leaves them out. Unset: left out of a patient's history (patient given, "
            + "unless type names AuditTrailRead), listed in every other search";

    record Accounting(String patientId, Instant from, Instant to, String scope,
                      List<AuditReadModel.Disclosure> disclosures) {
    }

    @GetMapping
    @Operation(summary = "Search the audit trail (role compliance): entries of your organisation's work, or all "
            + "of it for a platform compliance officer; every filter optional and combined with AND; from "
            + "inclusive, to exclusive; sort=time,asc|desc; a patient's history leaves out the officers' own lookups "
            + "unless includeOversight=true. This read is itself audited (AuditTrailRead).")
    SearchResult search(Actor actor,
                        @RequestParam(required = false) @Parameter(description = PATIENT) String patient,
                        @RequestParam(required = false) @Parameter(description = "acting user (token subject)")
                        String user,
                        @RequestParam(required = false) @Parameter(description = "acting organisation")
                        String organisation,
                        @RequestParam(required = false) @Parameter(description = "the referral's own events and "
                                + "those of records and appointments for it") String referral,
                        @RequestParam(required = false) String record,
                        @RequestParam(required = false) String appointment,
                        @RequestParam(required = false) @Parameter(description = "event type(s), comma separated, "
                                + "e.g. ReferralAccepted,RecordDisclosed; ReadAccess for the reads of patient data (the access log); * for "
                                + "every event type (ReadAccess,* is everything)") String type,
                        @RequestParam(required = false) @Parameter(description = "the client application the user "
                                + "acted through (on whose behalf)") String client,
                        @RequestParam(required = false) @Parameter(description = "purpose of use, e.g. TREAT")
                        String purpose,
                        @RequestParam(required = false) @Parameter(description = "request (correlation) id")
                        String request,
                        @RequestParam(required = false) @Parameter(description = FROM) String from,
                        @RequestParam(required = false) @Parameter(description = TO) String to,
                        @RequestParam(required = false) @Parameter(description = INCLUDE_OVERSIGHT)
                        String includeOversight,
                        @RequestParam(defaultValue = "time,asc") @Pattern(regexp = "time(,(asc|desc))?") String sort,
                        @RequestParam(defaultValue = "0") @Min(0) int page,
                        @RequestParam(defaultValue = "50") @Min(1) @Max(500) int size) {
        ComplianceScope.Officer officer = scope.of(actor);
        var asked = new AuditFilters.Asked(patient, user, organisation, referral, record, appointment, type, client,
                purpose, request, from, to, includeOversight);
        AuditReadModel.Filter filter = filters.filter(officer, asked);
        // Reads of patient data (the access log) only when asked for: type=ReadAccess.
        AuditReadModel.Page found = search.search(officer, filter, !sort.endsWith(",desc"), page, size);
        Map<String, Object> query = asked.query(filter.patientId());
        query.put("sort", sort);
        query.put("page", page);
        query.put("size", size);
        trail.read(officer, "search", query, found.items().size());
        return new SearchResult(found.items(), found.page(), found.size(), found.totalItems(), found.totalPages(),
                scopeName(officer), filter.includeOversight());
    }

    @GetMapping("/disclosures")
    @Operation(summary = "The accounting of disclosures for a patient (role compliance): every time a version of "
            + "their shared records was read, by whom, for which organisation and purpose, when, in which request; "
            + "oldest first. This read is itself audited.")
    Accounting disclosures(Actor actor,
                           @RequestParam @NotBlank @Parameter(description = PATIENT) String patient,
                           @RequestParam(required = false) @Parameter(description = FROM) String from,
                           @RequestParam(required = false) @Parameter(description = TO) String to) {
        ComplianceScope.Officer officer = scope.of(actor);
        var asked = new AuditFilters.Asked(patient, null, null, null, null, null, null, null, null, null, from, to);
        AuditReadModel.Filter filter = filters.filter(officer, asked);
        List<AuditReadModel.Disclosure> disclosures = readModel.disclosures(officer, filter.patientId(),
                filter.from(), filter.to());
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("patient", filter.patientId());
        query.put("from", from);
        query.put("to", to);
        trail.read(officer, "disclosures", query, disclosures.size());
        return new Accounting(filter.patientId(), filter.from(), filter.to(), scopeName(officer), disclosures);
    }

    @GetMapping("/emergency-access")
    @Operation(summary = "Break-the-glass reads of your organisation's records (and by your clinicians), newest "
            + "first, for review (role compliance); reviewed=false lists the ones still to review. Mark one reviewed "
            + "with POST /api/records/{recordId}/emergency-access/{accessId}/review. This read is itself audited.")
    List<AuditReadModel.EmergencyAccess> emergencyAccess(Actor actor,
                                                         @RequestParam(required = false) Boolean reviewed) {
        ComplianceScope.Officer officer = scope.of(actor);
        List<AuditReadModel.EmergencyAccess> found = readModel.emergencyAccesses(officer, reviewed);
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("reviewed", reviewed);
        trail.read(officer, "emergency-access", query, found.size());
        return found;
    }

    /** "platform" or the officer's organisation: which part of the trail the answer covers. */
    static String scopeName(ComplianceScope.Officer officer) {
        return officer.platformWide() ? "platform" : officer.organisation();
    }
}
