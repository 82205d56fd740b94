package dev.careloop.command.referral;

import dev.careloop.api.PatientIds;
import dev.careloop.api.Actor;
import dev.careloop.api.referral.*;
import dev.careloop.command.referral.ReferralRequests.*;
import dev.careloop.command.web.Commands;
import dev.careloop.plumbing.IfMatch;
import dev.careloop.command.web.IdempotentWrites;
import dev.careloop.command.web.Organisations;
import dev.careloop.command.web.WriteHeaders;
import dev.careloop.command.web.WriteResponses;
import dev.careloop.command.web.WriteResponses.ReadBack;
import dev.careloop.command.rules.Rules;
import dev.careloop.command.web.IdempotentWrites.Written;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.*;

import java.util.UUID;

/**
 * The referral write API (docs/API.md). Every write takes If-Match and Idempotency-Key ({@link WriteHeaders}; a
 * new referral only the key), answers with the new version as ETag, and returns the referral as the caller's read
 * model shows it once it has caught up (read-your-writes, bounded by careloop.read-your-writes-timeout).
 */
@RestController
@RequestMapping("/api/referrals")
@Tag(name = "Referrals: write", description = "Send referrals and move them through their lifecycle")
class ReferralCommandController {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final Commands commands;
    private final IdempotentWrites idempotency;
    private final SlaPolicy sla;
    private final Organisations organisations;
    private final WriteResponses responses;
    private final PatientIds patientIds;

    ReferralCommandController(Commands commands, IdempotentWrites idempotency, SlaPolicy sla,
                              Organisations organisations, WriteResponses responses, PatientIds patientIds) {
        this.patientIds = patientIds;
        this.commands = commands;
        this.idempotency = idempotency;
        this.sla = sla;
        this.organisations = organisations;
        this.responses = responses;
    }

    @PostMapping
    @Operation(summary = "Send a referral to another organisation")
    ResponseEntity<Object> send(@Valid @RequestBody SendReferralRequest body, Actor actor,
                                @RequestHeader(value = IDEMPOTENCY_KEY, required = false) String key) {
        organisations.requireKnown("recipientOrganisation", body.recipientOrganisation());
        organisations.requireOffers("service", body.recipientOrganisation(), body.service());
        organisations.requireOwnIdentifierSystem(actor, body.patient());
        Written written = idempotency.run(actor, key, "send|" + body, () -> {
            String id = UUID.randomUUID().toString();
            Priority priority = Priority.fromCode(body.priority());
            dispatch(new SendReferral(id, numberOr(body.referralNumber(), id),
                    body.recipientOrganisation(),
                    body.patient().toPatient(patientIds),
                    priority, body.service(), body.reason(), body.note(), sla.dueAt(priority)), actor, null);
            return new Written(201, id, 1, null, false);
        });
        return respond(written, actor, key);
    }

    @PostMapping("/{id}/accept")
    @Operation(summary = "Accept a referral (recipient)")
    ResponseEntity<Object> accept(@PathVariable String id, Actor actor, WriteHeaders headers) {
        return act(id, new AcceptReferral(id), actor, headers);
    }

    @PostMapping("/{id}/decline")
    @Operation(summary = "Decline a referral, with a reason and optionally its category (recipient)")
    ResponseEntity<Object> decline(@PathVariable String id, @Valid @RequestBody DeclineRequest body, Actor actor,
                                   WriteHeaders headers) {
        return act(id, new DeclineReferral(id, body.reason(), body.category()), actor, headers);
    }

    @PostMapping("/{id}/forward")
    @Operation(summary = "Hand the referral to another organisation, which becomes its recipient")
    ResponseEntity<Object> forward(@PathVariable String id, @Valid @RequestBody ForwardRequest body, Actor actor,
                                   WriteHeaders headers) {
        organisations.requireKnown("toOrganisation", body.toOrganisation());
        return act(id, new ForwardReferral(id, body.toOrganisation(), body.reason(), body.category()), actor, headers);
    }

    @PostMapping("/{id}/request-information")
    @Operation(summary = "Ask the initiator a question; the referral is on hold until answered")
    ResponseEntity<Object> requestInformation(@PathVariable String id, @Valid @RequestBody QuestionRequest body,
                                              Actor actor, WriteHeaders headers) {
        return act(id, new RequestInformation(id, body.question()), actor, headers);
    }

    @PostMapping("/{id}/provide-information")
    @Operation(summary = "Answer the recipient's question (initiator)")
    ResponseEntity<Object> provideInformation(@PathVariable String id, @Valid @RequestBody AnswerRequest body,
                                              Actor actor, WriteHeaders headers) {
        return act(id, new ProvideInformation(id, body.answer()), actor, headers);
    }

    @PostMapping("/{id}/schedule")
    @Operation(summary = "Book the visit (recipient): creates the referral's appointment; the referral follows")
    ResponseEntity<Object> schedule(@PathVariable String id, @Valid @RequestBody AppointmentRequest body,
                                    Actor actor, WriteHeaders headers) {
        Long expected = IfMatch.parse(headers.ifMatch());
        Appointment appointment = appointment(body);
        // The appointment id is minted inside the idempotent block, so a retried request replays the first answer.
        Written written = idempotency.run(actor, headers.idempotencyKey(),
                "schedule|" + id + "|" + headers.ifMatch() + "|" + body,
                () -> new Written(200, id, dispatch(new ScheduleVisit(id, UUID.randomUUID().toString(), appointment),
                        actor, expected), null, false));
        return respond(written, actor, headers.idempotencyKey());
    }

    @PostMapping("/{id}/reschedule")
    @Operation(summary = "Move the booked visit (recipient)")
    ResponseEntity<Object> reschedule(@PathVariable String id, @Valid @RequestBody AppointmentRequest body,
                                      Actor actor, WriteHeaders headers) {
        IfMatch.require(headers.ifMatch());
        return act(id, new RescheduleVisit(id, appointment(body), body.reason()), actor, headers);
    }

    @PostMapping("/{id}/no-show")
    @Operation(summary = "Record that the patient did not attend (recipient)")
    ResponseEntity<Object> noShow(@PathVariable String id, Actor actor, WriteHeaders headers) {
        return act(id, new RecordNoShow(id), actor, headers);
    }

    @PostMapping("/{id}/cancel-appointment")
    @Operation(summary = "Cancel the booked visit; the referral stays open (recipient)")
    ResponseEntity<Object> cancelAppointment(@PathVariable String id, @Valid @RequestBody ReasonRequest body,
                                             Actor actor, WriteHeaders headers) {
        return act(id, new CancelVisit(id, body.reason()), actor, headers);
    }

    @PostMapping("/{id}/interim-note")
    @Operation(summary = "Send an interim consult note (recipient clinician)")
    ResponseEntity<Object> interimNote(@PathVariable String id, @Valid @RequestBody NoteRequest body, Actor actor,
                                       WriteHeaders headers) {
        return act(id, new SendInterimNote(id, body.note(), body.recordIds()), actor, headers);
    }

    @PostMapping("/{id}/request-cancellation")
    @Operation(summary = "Ask the recipient to cancel the referral (initiator)")
    ResponseEntity<Object> requestCancellation(@PathVariable String id, @Valid @RequestBody ReasonRequest body,
                                               Actor actor, WriteHeaders headers) {
        return act(id, new RequestCancellation(id, body.reason()), actor, headers);
    }

    @PostMapping("/{id}/confirm-cancellation")
    @Operation(summary = "Confirm the requested cancellation (recipient)")
    ResponseEntity<Object> confirmCancellation(@PathVariable String id, Actor actor, WriteHeaders headers) {
        return act(id, new ConfirmCancellation(id), actor, headers);
    }

    @PostMapping("/{id}/outcome")
    @Operation(summary = "Return the outcome (consult report) (recipient clinician)")
    ResponseEntity<Object> outcome(@PathVariable String id, @Valid @RequestBody OutcomeRequest body, Actor actor,
                                   WriteHeaders headers) {
        return act(id, new SendOutcome(id, body.report(), body.recordIds()), actor, headers);
    }

    @PostMapping("/{id}/acknowledge-outcome")
    @Operation(summary = "Acknowledge the outcome: the loop is closed (initiator)")
    ResponseEntity<Object> acknowledgeOutcome(@PathVariable String id, Actor actor, WriteHeaders headers) {
        return act(id, new AcknowledgeOutcome(id), actor, headers);
    }

    @PostMapping("/{id}/refer-back")
    @Operation(summary = "Open a new referral back to the initiator, linked to this one (recipient clinician)")
    ResponseEntity<Object> referBack(@PathVariable String id, @Valid @RequestBody ReferBackRequest body, Actor actor,
                                     WriteHeaders headers) {
        Long expected = IfMatch.parse(headers.ifMatch());
        Written written = idempotency.run(actor, headers.idempotencyKey(),
                "refer-back|" + id + "|" + headers.ifMatch() + "|" + body, () -> {
                    String newId = UUID.randomUUID().toString();
                    Priority priority = Priority.fromCode(body.priority());
                    dispatch(new ReferBack(id, newId, numberOr(body.referralNumber(), newId), priority,
                            body.service(), body.reason(), body.note(), sla.dueAt(priority)), actor, expected);
                    return new Written(201, newId, 1, null, false);
                });
        return respond(written, actor, headers.idempotencyKey());
    }

    @PostMapping("/{id}/assignment")
    @Operation(summary = "Assign the referral to one of your clinicians, or to another (receiving organisation)")
    ResponseEntity<Object> assign(@PathVariable String id, @Valid @RequestBody AssignmentRequest body, Actor actor,
                                  WriteHeaders headers) {
        return act(id, new AssignReferral(id, body.assignee().trim(), body.assigneeName().trim()), actor, headers);
    }

    @DeleteMapping("/{id}/assignment")
    @Operation(summary = "Take the referral back from the person it is assigned to (receiving organisation)")
    ResponseEntity<Object> unassign(@PathVariable String id, Actor actor, WriteHeaders headers) {
        return act(id, new UnassignReferral(id), actor, headers);
    }

    private ResponseEntity<Object> act(String id, Object command, Actor actor, WriteHeaders headers) {
        String key = headers.idempotencyKey();
        return respond(idempotency.act(id, headers.ifMatch(), command, actor, key), actor, key);
    }

    private long dispatch(Object command, Actor actor, Long expectedVersion) {
        return commands.sendForVersion(command, actor, expectedVersion);
    }

    /** The referral once the read model has reached the written version (or only its id and version). */
    private ResponseEntity<Object> respond(Written written, Actor actor, String key) {
        return responses.respond(written, actor, key, new ReadBack<>("/api/referrals", "referralId",
                position -> new FindReferral(written.id(), actor, written.version(), position), ReferralView.class,
                ReferralView::version));
    }

    private static Appointment appointment(AppointmentRequest body) {
        Rules.require(body.end() == null || body.end().isAfter(body.start()), "end", "must be after start");
        return new Appointment(body.start(), body.end(), body.location());
    }

    private static String numberOr(String given, String id) {
        return given == null || given.isBlank() ? "REF-" + id.substring(0, 8).toUpperCase() : given;
    }
}
