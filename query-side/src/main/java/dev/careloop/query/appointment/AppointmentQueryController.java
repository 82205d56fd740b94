package dev.careloop.query.appointment;

import dev.careloop.query.AccessQueries;
import dev.careloop.query.ProjectionCommits;
import dev.careloop.api.Actor;
import dev.careloop.api.access.AccessLog;
import dev.careloop.api.access.ReadAccess;
import dev.careloop.api.appointment.AppointmentStatus;
import dev.careloop.api.appointment.AppointmentView;
import dev.careloop.api.appointment.FindAppointment;
import dev.careloop.query.patient.PatientLookup;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
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
import java.time.Instant;
import java.util.List;

/**
 * The appointment read API: the appointments your organisation takes part in, one appointment with its ETag,
 * and its history. The writes live on the command side under the same path.
 */
@RestController
@RequestMapping("/api/appointments")
@Tag(name = "Appointments: read", description = "Appointments, one appointment and its history")
class AppointmentQueryController {

    private final AppointmentReadModel readModel;
    private final PatientLookup patients;
    private final AccessLog accessLog;
    private final ProjectionCommits commits;
    private final Duration readYourWritesTimeout;

    AppointmentQueryController(AppointmentReadModel readModel, PatientLookup patients, AccessLog accessLog,
            ProjectionCommits commits,
                               @Value("${careloop.read-your-writes-timeout:PT5S}") Duration readYourWritesTimeout) {
        this.readModel = readModel;
        this.patients = patients;
        this.accessLog = accessLog;
        this.commits = commits;
        this.readYourWritesTimeout = readYourWritesTimeout;
    }

    @GetMapping
    @Operation(summary = "List the appointments your organisation takes part in, latest start first; filter by "
            + "patient, referral, status (FHIR Appointment.status) and start time (from inclusive, to exclusive)")
    AppointmentReadModel.Page list(Actor actor, HttpServletRequest request,
                                   @RequestParam(required = false) @Parameter(description = "platform patient id, "
                                           + "MRN as system|value, or an MRN of your organisation's own identifier "
                                           + "system; a patient you may not see is a 404") String patient,
                                   @RequestParam(required = false) String referral,
                                   @RequestParam(required = false)
                                   @Parameter(description = "proposed, booked, arrived, fulfilled, cancelled, noshow")
                                   String status,
                                   @RequestParam(required = false) @Parameter(description = "ISO-8601 instant")
                                   Instant from,
                                   @RequestParam(required = false) @Parameter(description = "ISO-8601 instant")
                                   Instant to,
                                   @RequestParam(defaultValue = "0") @Min(0) int page,
                                   @RequestParam(defaultValue = "20") @Min(1) @Max(200) int size) {
        AppointmentStatus wanted = status == null ? null : status(status);
        // The patient as people name them; one the organisation may not see is a 404, not an empty list.
        String patientId;
        try {
            patientId = patient == null || patient.isBlank() ? null : patients.resolve("patient", patient,
                    actor.organisation(), id -> patients.visibleTo(id, actor.organisation()));
        } catch (ErrorResponseException unknownPatient) {
            accessLog.record(ReadAccess.refusedSearch(actor, ReadAccess.REST, "Appointment",
                    AccessQueries.of(request), "no patient by this identifier that " + actor.organisation()
                            + " takes part in"));
            throw unknownPatient;
        }
        var filter = new AppointmentReadModel.Filter(patientId, referral, wanted, from, to);
        AppointmentReadModel.Page found = readModel.list(actor.organisation(), filter, page, size);
        accessLog.record(ReadAccess.search(actor, ReadAccess.REST, "Appointment", AccessQueries.of(request),
                found.items().stream().map(AppointmentView::appointmentId).toList(), patientId));
        return found;
    }

    @GetMapping("/{id}")
    @Operation(summary = "The appointment as it is now; ETag is its version")
    ResponseEntity<AppointmentView> get(@PathVariable String id, Actor actor) {
        AppointmentView view = visible(id, actor, "Appointment");
        return ResponseEntity.ok().eTag(Long.toString(view.version())).body(view);
    }

    @GetMapping("/{id}/history")
    @Operation(summary = "Every event of the appointment: what, who, for which organisation, when, why")
    List<AppointmentReadModel.HistoryEntry> history(@PathVariable String id, Actor actor) {
        visible(id, actor, "AppointmentHistory");
        return readModel.history(id);
    }

    /**
     * Answers the command side's read-after-write: waits (bounded, holding no connection) until the segment that
     * projects this appointment (sequenced per aggregate, Axon's default) has committed the write's position, then
     * reads once, so the writer sees its own write; null for an organisation that takes no part in it.
     */
    @QueryHandler
    AppointmentView find(FindAppointment query) throws InterruptedException {
        // Read without the organisation: a row it may not see ends the wait once at that version, not at the timeout.
        return commits.readOnceHandled(AppointmentViewProjection.GROUP, query.appointmentId(), query.position(),
                        query.minVersion(), () -> readModel.find(query.appointmentId()), AppointmentView::version,
                        readYourWritesTimeout)
                .filter(view -> view.participants().contains(query.organisation()))
                .orElse(null);
    }

    /** The appointment if the caller's organisation takes part (accounted for as read), else a 404 (as refused). */
    private AppointmentView visible(String id, Actor actor, String resourceType) {
        AppointmentView view = readModel.find(id, actor.organisation()).orElse(null);
        if (view == null) {
            accessLog.record(ReadAccess.refused(actor, ReadAccess.REST, resourceType, id,
                    "no such appointment, or " + actor.organisation() + " takes no part in it"));
            throw notFound();
        }
        accessLog.record(ReadAccess.read(actor, ReadAccess.REST, resourceType, id, view.patient().patientId()));
        return view;
    }

    private static ResponseStatusException notFound() {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "no such appointment");
    }

    private static AppointmentStatus status(String code) {
        try {
            return AppointmentStatus.fromCode(code);
        } catch (IllegalArgumentException e) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "status: " + e.getMessage());
        }
    }
}
