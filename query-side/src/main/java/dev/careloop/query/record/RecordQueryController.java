package dev.careloop.query.record;

import dev.careloop.query.AccessQueries;
import dev.careloop.query.ProjectionCommits;
import dev.careloop.api.Actor;
import dev.careloop.api.access.AccessLog;
import dev.careloop.api.access.ReadAccess;
import dev.careloop.api.record.FindRecord;
import dev.careloop.api.record.RecordView;
import dev.careloop.query.patient.PatientLookup;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.server.ResponseStatusException;

import java.time.Duration;
import java.util.List;

/**
 * The shared-record read API: records shared with or by your organisation, one record with its ETag, its
 * versions, and (for the organisation that shared it) its accounting of disclosures. A record your
 * organisation may not see, or may no longer see, is a 404.
 */
@RestController
@RequestMapping("/api/records")
@Tag(name = "Shared records: read", description = "Records shared with you or by you, versions, disclosures")
class RecordQueryController {

    private final RecordReadModel readModel;
    private final PatientLookup patients;
    private final AccessLog accessLog;
    private final ProjectionCommits commits;
    private final Duration readYourWritesTimeout;

    RecordQueryController(RecordReadModel readModel, PatientLookup patients, AccessLog accessLog,
            ProjectionCommits commits,
                          @Value("${careloop.read-your-writes-timeout:PT5S}") Duration readYourWritesTimeout) {
        this.readModel = readModel;
        this.patients = patients;
        this.accessLog = accessLog;
        this.commits = commits;
        this.readYourWritesTimeout = readYourWritesTimeout;
    }

    @GetMapping
    @Operation(summary = "List records: box=shared-with-me (while your access is active), shared-by-me, or both; "
            + "filter by patient (platform id, MRN as system|value, or an MRN of your own identifier system; a "
            + "patient you may not see is a 404) and referral")
    RecordReadModel.Page list(Actor actor, HttpServletRequest request,
                              @RequestParam(required = false) @Pattern(regexp = "shared-with-me|shared-by-me")
                              String box,
                              @RequestParam(required = false) @Parameter(description = PATIENT) String patient,
                              @RequestParam(required = false) String referral,
                              @RequestParam(defaultValue = "0") @Min(0) int page,
                              @RequestParam(defaultValue = "20") @Min(1) @Max(200) int size) {
        String patientId = patientId(actor, request, patient);
        RecordReadModel.Page found = readModel.list(actor.organisation(),
                new RecordReadModel.Filter(box, patientId, referral), page, size);
        accessLog.record(ReadAccess.search(actor, ReadAccess.REST, "Record", AccessQueries.of(request),
                found.items().stream().map(RecordView::recordId).toList(), patientId));
        return found;
    }

    static final String PATIENT = "platform patient id, MRN as system|value, or an MRN of your organisation's own "
            + "identifier system; a patient you may not see is a 404";

    /**
     * The platform id of the patient as people name them; one the organisation may not see is a 404 naming
     * {@code patient} (refused in the access log), never an empty list that reads as "no records".
     */
    private String patientId(Actor actor, HttpServletRequest request, String patient) {
        if (patient == null || patient.isBlank()) {
            return null;
        }
        try {
            return patients.resolve("patient", patient, actor.organisation(),
                    id -> patients.visibleTo(id, actor.organisation()));
        } catch (ErrorResponseException unknownPatient) {
            accessLog.record(ReadAccess.refusedSearch(actor, ReadAccess.REST, "Record", AccessQueries.of(request),
                    "no patient by this identifier that " + actor.organisation() + " takes part in"));
            throw unknownPatient;
        }
    }

    @GetMapping("/{id}")
    @Operation(summary = "The record as it is now; ETag is its version")
    ResponseEntity<RecordView> get(@PathVariable String id, Actor actor) {
        RecordView view = visible(id, actor, "Record");
        return ResponseEntity.ok().eTag(Long.toString(view.version())).body(view);
    }

    @GetMapping("/{id}/versions")
    @Operation(summary = "Every version of the record's document, oldest first")
    List<RecordReadModel.Version> versions(@PathVariable String id, Actor actor) {
        visible(id, actor, "RecordVersions");
        return readModel.versions(id);
    }

    @GetMapping("/{id}/disclosures")
    @Operation(summary = "The accounting of disclosures: who downloaded which version, for whom, why and when "
            + "(the organisation that shared the record)")
    List<RecordReadModel.DisclosureEntry> disclosures(@PathVariable String id, Actor actor) {
        visible(id, actor, "RecordDisclosures");
        if (!readModel.isAuthor(id, actor.organisation())) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN,
                    "only the organisation that shared the record can see who read it");
        }
        return readModel.disclosures(id);
    }

    /**
     * Answers the command side's read-after-write: waits (bounded, holding no connection) until the segment that
     * projects this record (sequenced per aggregate, Axon's default) has committed the write's position, then
     * reads once, so the writer sees its own write.
     */
    @QueryHandler
    RecordView find(FindRecord query) throws InterruptedException {
        return commits.readOnceHandled(RecordProjection.GROUP, query.recordId(), query.position(),
                query.minVersion(), () -> readModel.find(query.recordId(), query.organisation()),
                RecordView::version, readYourWritesTimeout).orElse(null);
    }

    /** The record if the caller's organisation may see it (accounted for as read), else a 404 (as refused). */
    private RecordView visible(String id, Actor actor, String resourceType) {
        RecordView view = readModel.find(id, actor.organisation()).orElse(null);
        if (view == null) {
            accessLog.record(ReadAccess.refused(actor, ReadAccess.REST, resourceType, id,
                    "no such record, or not shared with " + actor.organisation() + " (or no longer)"));
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no such record");
        }
        accessLog.record(ReadAccess.read(actor, ReadAccess.REST, resourceType, id, view.patient().patientId()));
        return view;
    }
}
