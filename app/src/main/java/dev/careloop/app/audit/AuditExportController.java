package dev.careloop.app.audit;

import dev.careloop.api.Actor;
import dev.careloop.fhir.log.LoggedChanges;
import dev.careloop.fhir.mapping.AuditTrailExport;
import dev.careloop.fhir.mapping.ChangeProjector;
import dev.careloop.fhir.mapping.R4ChangeProjector;
import dev.careloop.query.audit.AuditReadModel;
import dev.careloop.query.audit.AuditTrail;
import dev.careloop.query.audit.ComplianceScope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exports a period or a patient's history from the audit trail, in the officer's scope, as a FHIR Bundle of
 * AuditEvent and Provenance resources (IHE BALP style) or as CSV. Composes the query side's trail with the FHIR
 * adapter's mapping, so it runs where both sides run. The export is itself an audited read.
 */
@RestController
@ConditionalOnExpression("'${careloop.sides:command,query,fhir}'.contains('query') "
        + "and '${careloop.sides:command,query,fhir}'.contains('fhir')")
@Tag(name = "Audit", description = "Export of the audit trail")
class AuditExportController {

    /** Larger exports are asked to narrow their period, so an export cannot hold the server's memory hostage. */
    static final int MAX_ENTRIES = 20_000;
    private static final int PAGE = 500;
    private static final MediaType FHIR_JSON = MediaType.parseMediaType("application/fhir+json");
    private static final MediaType CSV = MediaType.parseMediaType("text/csv;charset=UTF-8");

    private final AuditReadModel trail;
    private final ComplianceScope scope;
    private final AuditTrail reads;
    private final LoggedChanges changes;
    private final AuditTrailExport export;
    private final Clock clock = Clock.systemUTC();

    AuditExportController(AuditReadModel trail, ComplianceScope scope, AuditTrail reads, LoggedChanges changes,
                          ChangeProjector projector) {
        this.trail = trail;
        this.scope = scope;
        this.reads = reads;
        this.changes = changes;
        this.export = new AuditTrailExport(projector);
    }

    @GetMapping("/api/audit/export")
    @Operation(summary = "Export the audit trail of a period or a patient (role compliance), as a FHIR Bundle of "
            + "AuditEvent and Provenance (format=fhir) or as CSV (format=csv); from inclusive, to exclusive")
    ResponseEntity<String> export(Actor actor, @RequestParam(required = false) String patient,
                                  @RequestParam(required = false) Instant from,
                                  @RequestParam(required = false) Instant to,
                                  @RequestParam(defaultValue = "fhir") String format) {
        ComplianceScope.Officer officer = scope.of(actor);
        if (!format.equals("fhir") && !format.equals("csv")) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "format must be fhir or csv");
        }
        if (patient == null && (from == null || to == null)) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "name a patient, or a period (from and to)");
        }
        if (from != null && to != null && !to.isAfter(from)) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "to must be after from");
        }
        List<AuditReadModel.Entry> entries = entries(officer, new AuditReadModel.Filter(patient, null, null, null,
                null, null, null, null, null, null, from, to));
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("patient", patient);
        query.put("from", from);
        query.put("to", to);
        query.put("format", format);
        reads.read(officer, "export", query, entries.size());
        if (format.equals("csv")) {
            return ResponseEntity.ok().contentType(CSV)
                    .header("Content-Disposition", "attachment; filename=\"audit-trail.csv\"").body(csv(entries));
        }
        Bundle bundle = export.bundle(entries.stream().map(AuditExportController::entry).toList(),
                id -> changes.history(id, Long.MAX_VALUE), clock.instant());
        return ResponseEntity.ok().contentType(FHIR_JSON)
                .body(R4ChangeProjector.fhirContext().newJsonParser().encodeResourceToString(bundle));
    }

    private List<AuditReadModel.Entry> entries(ComplianceScope.Officer officer, AuditReadModel.Filter filter) {
        List<AuditReadModel.Entry> all = new ArrayList<>();
        for (int page = 0; ; page++) {
            AuditReadModel.Page found = trail.search(officer, filter, true, page, PAGE);
            if (found.totalItems() > MAX_ENTRIES) {
                throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "the export would hold "
                        + found.totalItems() + " entries, more than " + MAX_ENTRIES + ": narrow the period");
            }
            all.addAll(found.items());
            if (page + 1 >= found.totalPages()) {
                return all;
            }
        }
    }

    private static AuditTrailExport.Entry entry(AuditReadModel.Entry e) {
        return new AuditTrailExport.Entry(e.eventId(), e.occurredAt(), e.eventType(), e.description(),
                e.aggregateType(), e.aggregateId(), e.sequence(), e.patientId(), e.user(), e.userName(), e.organisation(),
                e.client(), e.purposeOfUse(), e.correlationId());
    }

    /**
     * RFC 4180: every field quoted, quotes doubled, CRLF line ends; a field a spreadsheet would run as a formula is
     * neutralised ({@link #cell}).
     */
    static String csv(List<AuditReadModel.Entry> entries) {
        StringBuilder out = new StringBuilder();
        row(out, "time", "globalIndex", "eventType", "description", "user", "userName", "organisation", "client",
                "purposeOfUse", "patientId", "referralId", "recordId", "appointmentId", "aggregateType",
                "aggregateId", "sequence", "requestId", "eventId");
        for (AuditReadModel.Entry e : entries) {
            row(out, e.occurredAt(), e.globalIndex(), e.eventType(), e.description(), e.user(), e.userName(),
                    e.organisation(),
                    e.client(), e.purposeOfUse(), e.patientId(), e.referralId(), e.recordId(), e.appointmentId(),
                    e.aggregateType(), e.aggregateId(), e.sequence(), e.correlationId(), e.eventId());
        }
        return out.toString();
    }

    /**
     * OWASP CSV injection: a cell that starts with {@code = + - @}, a tab or a carriage return is read by Excel,
     * LibreOffice and Sheets as a formula (even inside quotes), so it is prefixed with a single quote, which they
     * show as text. Every column, as any of them may carry a caller's words (a request id, a user, a title).
     */
    static String cell(String value) {
        return !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
    }

    private static void row(StringBuilder out, Object... fields) {
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            String value = cell(fields[i] == null ? "" : fields[i].toString());
            out.append('"').append(value.replace("\"", "\"\"")).append('"');
        }
        out.append("\r\n");
    }
}
