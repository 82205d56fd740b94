package dev.careloop.app.audit;

import dev.careloop.api.Actor;
import dev.careloop.fhir.log.LoggedChanges;
import dev.careloop.fhir.mapping.AuditTrailExport;
import dev.careloop.fhir.mapping.ChangeProjector;
import dev.careloop.fhir.mapping.R4ChangeProjector;
import dev.careloop.query.CsvCells;
import dev.careloop.query.QueryParameters;
import dev.careloop.query.audit.AuditFilters;
import dev.careloop.query.audit.AuditReadModel;
import dev.careloop.query.audit.AuditSearch;
import dev.careloop.query.audit.AuditTrail;
import dev.careloop.query.audit.ComplianceScope;
import dev.careloop.query.patient.PatientLookup;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
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
import tools.jackson.databind.JsonNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

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
    /** The access log's entries in the trail: reads of patient data. */
    private static final String READ_ACCESS = "ReadAccess";
    private static final MediaType FHIR_JSON = MediaType.parseMediaType("application/fhir+json");
    private static final MediaType CSV = MediaType.parseMediaType("text/csv;charset=UTF-8");

    private final AuditSearch trail;
    private final ComplianceScope scope;
    private final AuditTrail reads;
    private final LoggedChanges changes;
    private final AuditTrailExport export;
    private final AuditFilters filters;
    private final PatientLookup patients;
    private final Clock clock = Clock.systemUTC();

    AuditExportController(AuditSearch trail, ComplianceScope scope, AuditTrail reads, LoggedChanges changes,
                          ChangeProjector projector, AuditFilters filters, PatientLookup patients) {
        this.trail = trail;
        this.filters = filters;
        this.patients = patients;
        this.scope = scope;
        this.reads = reads;
        this.changes = changes;
        this.export = new AuditTrailExport(projector);
    }

    @GetMapping("/api/audit/export")
    @Operation(summary = "Export the audit trail of a period or a patient (role compliance), as a FHIR Bundle of "
            + "AuditEvent and Provenance (format=fhir) or as CSV (format=csv); takes every filter of the search "
            + "(patient as platform id, MRN as system|value or an MRN of your own system; from inclusive, to "
            + "exclusive, each a date or an instant)")
    ResponseEntity<String> export(Actor actor, @RequestParam(required = false) String patient,
                                  @RequestParam(required = false) String user,
                                  @RequestParam(required = false) String organisation,
                                  @RequestParam(required = false) String referral,
                                  @RequestParam(required = false) String record,
                                  @RequestParam(required = false) String appointment,
                                  @RequestParam(required = false) String type,
                                  @RequestParam(required = false) String client,
                                  @RequestParam(required = false) String purpose,
                                  @RequestParam(required = false) String request,
                                  @RequestParam(required = false) String from,
                                  @RequestParam(required = false) String to,
                                  @RequestParam(required = false) @Parameter(description = "as the search's: "
                                          + "unset, a patient's export leaves out the compliance officers' own "
                                          + "lookups; true includes them") String includeOversight,
                                  @RequestParam(defaultValue = "fhir") String format) {
        ComplianceScope.Officer officer = scope.of(actor);
        QueryParameters p = new QueryParameters();
        if (!format.equals("fhir") && !format.equals("csv")) {
            p.error("format", "must be fhir or csv");
        }
        if (blank(patient) && (blank(from) || blank(to))) {
            p.error(blank(from) ? "from" : "to", "name a patient, or a period (from and to)");
        }
        p.failIfAny();
        var asked = new AuditFilters.Asked(patient, user, organisation, referral, record, appointment, type, client,
                purpose, request, from, to, includeOversight);
        AuditReadModel.Filter filter = filters.filter(officer, asked);
        List<AuditReadModel.Entry> entries = entries(officer, filter);
        Map<String, Object> query = asked.query(filter.patientId());
        query.put("format", format);
        reads.read(officer, "export", query, entries.size());
        Map<String, Optional<PatientLookup.Found>> known = new HashMap<>();
        Function<String, Optional<PatientLookup.Found>> patientOf = id -> id == null ? Optional.empty()
                : known.computeIfAbsent(id, patients::demographics);
        if (format.equals("csv")) {
            return ResponseEntity.ok().contentType(CSV)
                    .header("Content-Disposition", "attachment; filename=\"audit-trail.csv\"")
                    .body(csv(entries, patientOf));
        }
        Bundle bundle = export.bundle(entries.stream().map(e -> entry(e, patientOf)).toList(),
                id -> changes.history(id, Long.MAX_VALUE), clock.instant());
        return ResponseEntity.ok().contentType(FHIR_JSON)
                .body(R4ChangeProjector.fhirContext().newJsonParser().encodeResourceToString(bundle));
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    /**
     * Every entry, oldest first: counted first, then read as one page, since a search with reads merges the first
     * (page + 1) * size of each side and would re-read them for every further page.
     */
    private List<AuditReadModel.Entry> entries(ComplianceScope.Officer officer, AuditReadModel.Filter filter) {
        long total = trail.search(officer, filter, true, 0, 1).totalItems();
        if (total > MAX_ENTRIES) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "the export would hold " + total
                    + " entries, more than " + MAX_ENTRIES + ": narrow the period");
        }
        // Entries written since the count come along too, up to the limit.
        return trail.search(officer, filter, true, 0, MAX_ENTRIES).items();
    }

    private static AuditTrailExport.Entry entry(AuditReadModel.Entry e,
                                                Function<String, Optional<PatientLookup.Found>> patientOf) {
        return new AuditTrailExport.Entry(e.eventId(), e.occurredAt(), e.eventType(), e.description(),
                e.aggregateType(), e.aggregateId(), e.sequence(), e.patientId(), e.user(), e.userName(),
                e.organisation(), e.client(), e.purposeOfUse(), e.correlationId(),
                patientOf.apply(e.patientId()).map(PatientLookup.Found::identifier).orElse(null), query(e),
                access(e));
    }

    /** What a read of patient data (an entry of the access log, type ReadAccess) read; null for an event. */
    static AuditTrailExport.Access access(AuditReadModel.Entry e) {
        if (!READ_ACCESS.equals(e.eventType()) || e.details() == null) {
            return null;
        }
        JsonNode d = e.details();
        List<String> returned = new ArrayList<>();
        d.path("returnedIds").forEach(id -> returned.add(id.asString()));
        return new AuditTrailExport.Access(text(d, "action"), text(d, "channel"), text(d, "resourceType"),
                text(d, "resourceId"), returned, "allowed".equals(text(d, "outcome")), text(d, "reason"));
    }

    private static String text(JsonNode details, String field) {
        JsonNode value = details == null ? null : details.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    /**
     * What a read asked: a read of the trail's parameters as {@code name=value&...}, a search of patient data's query
     * as it was sent; null for any other entry.
     */
    static String query(AuditReadModel.Entry e) {
        if (READ_ACCESS.equals(e.eventType())) {
            return e.details() == null ? null : text(e.details(), "query");
        }
        JsonNode query = e.details() == null ? null : e.details().get("query");
        if (!"AuditTrailRead".equals(e.eventType()) || query == null || !query.isObject()) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, JsonNode> parameter : query.properties()) {
            if (parameter.getValue().isNull()) {
                continue;
            }
            out.append(out.isEmpty() ? "" : "&").append(URLEncoder.encode(parameter.getKey(), StandardCharsets.UTF_8))
                    .append('=').append(URLEncoder.encode(parameter.getValue().asString(), StandardCharsets.UTF_8));
        }
        return out.toString();
    }

    /**
     * RFC 4180: every field quoted, quotes doubled, CRLF line ends; a field a spreadsheet would run as a formula is
     * neutralised ({@link CsvCells#cell}). The patient's name and MRN come from the read models: "(erased)" and no MRN once
     * the patient is erased, neither for an entry without a patient. The last columns say what a read was: a read of
     * patient data's action (R, E), channel, query and returned ids, and for every read or refusal whether it was
     * allowed and, if not, why.
     */
    static String csv(List<AuditReadModel.Entry> entries, Function<String, Optional<PatientLookup.Found>> patientOf) {
        StringBuilder out = new StringBuilder();
        row(out, "time", "globalIndex", "eventType", "description", "user", "userName", "organisation", "client",
                "purposeOfUse", "patientId", "patientName", "patientIdentifier", "referralId", "recordId",
                "appointmentId", "aggregateType", "aggregateId", "sequence", "requestId", "eventId", "outcome",
                "reason", "action", "channel", "query", "returnedIds");
        for (AuditReadModel.Entry e : entries) {
            Optional<PatientLookup.Found> patient = patientOf.apply(e.patientId());
            AuditTrailExport.Access read = access(e);
            boolean refusal = "RecordAccessDenied".equals(e.eventType());
            row(out, e.occurredAt(), e.globalIndex(), e.eventType(), e.description(), e.user(), e.userName(),
                    e.organisation(), e.client(), e.purposeOfUse(), e.patientId(),
                    patient.map(PatientLookup.Found::name).orElse(null),
                    patient.map(PatientLookup.Found::identifier).orElse(null), e.referralId(), e.recordId(),
                    e.appointmentId(), e.aggregateType(), e.aggregateId(), e.sequence(), e.correlationId(),
                    e.eventId(),
                    read != null ? (read.allowed() ? "allowed" : "refused") : refusal ? "refused" : null,
                    read != null ? read.reason() : refusal ? text(e.details(), "reason") : null,
                    read == null ? null : read.action(), read == null ? null : read.channel(),
                    read == null ? null : query(e), read == null ? null : String.join(" ", read.returnedIds()));
        }
        return out.toString();
    }

    private static void row(StringBuilder out, Object... fields) {
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(CsvCells.field(fields[i]));
        }
        out.append("\r\n");
    }
}
