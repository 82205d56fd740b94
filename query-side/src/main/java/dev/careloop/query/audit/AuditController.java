package dev.careloop.query.audit;

import dev.careloop.api.Actor;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import java.time.Instant;
import java.util.Arrays;
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
    private final ReadAccessEntries reads;

    AuditController(AuditReadModel readModel, ComplianceScope scope, AuditTrail trail, ReadAccessEntries reads) {
        this.readModel = readModel;
        this.scope = scope;
        this.trail = trail;
        this.reads = reads;
    }

    /** What an officer's search matched, with the scope it was answered in. */
    record SearchResult(List<AuditReadModel.Entry> items, int page, int size, long totalItems, int totalPages,
                        String scope) {
    }

    record Accounting(String patientId, Instant from, Instant to, String scope,
                      List<AuditReadModel.Disclosure> disclosures) {
    }

    @GetMapping
    @Operation(summary = "Search the audit trail (role compliance): entries of your organisation's work, or all "
            + "of it for a platform compliance officer; every filter optional and combined with AND; from "
            + "inclusive, to exclusive; sort=time,asc|desc. This read is itself audited (AuditTrailRead).")
    SearchResult search(Actor actor,
                        @RequestParam(required = false) @Parameter(description = "platform patient id") String patient,
                        @RequestParam(required = false) @Parameter(description = "acting user (token subject)")
                        String user,
                        @RequestParam(required = false) @Parameter(description = "acting organisation")
                        String organisation,
                        @RequestParam(required = false) @Parameter(description = "the referral's own events and "
                                + "those of records and appointments for it") String referral,
                        @RequestParam(required = false) String record,
                        @RequestParam(required = false) String appointment,
                        @RequestParam(required = false) @Parameter(description = "event type(s), comma separated, "
                                + "e.g. ReferralAccepted,RecordDisclosed; ReadAccess for the reads of patient data (the access log)") String type,
                        @RequestParam(required = false) @Parameter(description = "the client application the user "
                                + "acted through (on whose behalf)") String client,
                        @RequestParam(required = false) @Parameter(description = "purpose of use, e.g. TREAT")
                        String purpose,
                        @RequestParam(required = false) @Parameter(description = "request (correlation) id")
                        String request,
                        @RequestParam(required = false) @Parameter(description = "ISO-8601 instant, inclusive")
                        Instant from,
                        @RequestParam(required = false) @Parameter(description = "ISO-8601 instant, exclusive")
                        Instant to,
                        @RequestParam(defaultValue = "time,asc") @Pattern(regexp = "time(,(asc|desc))?") String sort,
                        @RequestParam(defaultValue = "0") @Min(0) int page,
                        @RequestParam(defaultValue = "50") @Min(1) @Max(500) int size) {
        ComplianceScope.Officer officer = scope.of(actor);
        checkWindow(from, to);
        List<String> types = type == null ? null : Arrays.stream(type.split(",")).map(String::trim)
                .filter(t -> !t.isEmpty()).toList();
        var filter = new AuditReadModel.Filter(patient, user, organisation, referral, record, appointment, types,
                client, purpose, request, from, to);
        // Reads of patient data (the access log) only when asked for: type=ReadAccess.
        AuditReadModel.Page found = ReadAccessEntries.asked(types)
                ? reads.search(officer, filter, !sort.endsWith(",desc"), page, size)
                : readModel.search(officer, filter, !sort.endsWith(",desc"), page, size);
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("patient", patient);
        query.put("user", user);
        query.put("organisation", organisation);
        query.put("referral", referral);
        query.put("record", record);
        query.put("appointment", appointment);
        query.put("type", type);
        query.put("client", client);
        query.put("purpose", purpose);
        query.put("request", request);
        query.put("from", from);
        query.put("to", to);
        query.put("sort", sort);
        query.put("page", page);
        query.put("size", size);
        trail.read(officer, "search", query, found.items().size());
        return new SearchResult(found.items(), found.page(), found.size(), found.totalItems(), found.totalPages(),
                scopeName(officer));
    }

    @GetMapping("/disclosures")
    @Operation(summary = "The accounting of disclosures for a patient (role compliance): every time a version of "
            + "their shared records was read, by whom, for which organisation and purpose, when, in which request; "
            + "oldest first. This read is itself audited.")
    Accounting disclosures(Actor actor,
                           @RequestParam @NotBlank @Parameter(description = "platform patient id") String patient,
                           @RequestParam(required = false) @Parameter(description = "ISO-8601 instant, inclusive")
                           Instant from,
                           @RequestParam(required = false) @Parameter(description = "ISO-8601 instant, exclusive")
                           Instant to) {
        ComplianceScope.Officer officer = scope.of(actor);
        checkWindow(from, to);
        List<AuditReadModel.Disclosure> disclosures = readModel.disclosures(officer, patient, from, to);
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("patient", patient);
        query.put("from", from);
        query.put("to", to);
        trail.read(officer, "disclosures", query, disclosures.size());
        return new Accounting(patient, from, to, scopeName(officer), disclosures);
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

    private static void checkWindow(Instant from, Instant to) {
        if (from != null && to != null && !from.isBefore(to)) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "from must be before to");
        }
    }
}
