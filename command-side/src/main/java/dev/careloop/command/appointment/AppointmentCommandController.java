package dev.careloop.command.appointment;

import dev.careloop.api.Actor;
import dev.careloop.api.PatientIds;
import dev.careloop.api.appointment.*;
import dev.careloop.command.appointment.AppointmentRequests.*;
import dev.careloop.command.web.Commands;
import dev.careloop.command.web.IdempotentWrites;
import dev.careloop.plumbing.IfMatch;
import dev.careloop.command.web.IdempotentWrites.Written;
import dev.careloop.command.web.Organisations;
import dev.careloop.command.web.WriteHeaders;
import dev.careloop.command.web.WriteResponses;
import dev.careloop.command.web.WriteResponses.ReadBack;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.*;

import java.util.UUID;

/**
 * The appointment write API: transitions of care booked or proposed by the performing organisation, and
 * every change after that. Same contract as referrals: If-Match, Idempotency-Key, read-your-writes.
 */
@RestController
@RequestMapping("/api/appointments")
@Tag(name = "Appointments: write", description = "Book, move and hand off appointments")
class AppointmentCommandController {

    private static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final Commands commands;
    private final IdempotentWrites idempotency;
    private final Organisations organisations;
    private final WriteResponses responses;
    private final PatientIds patientIds;

    AppointmentCommandController(Commands commands, IdempotentWrites idempotency, Organisations organisations,
                                 WriteResponses responses, PatientIds patientIds) {
        this.commands = commands;
        this.idempotency = idempotency;
        this.organisations = organisations;
        this.responses = responses;
        this.patientIds = patientIds;
    }

    @PostMapping
    @Operation(summary = "Book an appointment, for a referral (recipient) or a transition of care (patient); "
            + "your organisation performs it")
    ResponseEntity<Object> book(@Valid @RequestBody BookRequest body, Actor actor,
                                @RequestHeader(value = IDEMPOTENCY_KEY, required = false) String key) {
        organisations.requireOwnIdentifierSystem(actor, body.patient());
        return create("book|" + body, id -> new BookAppointment(id, body.referralId(), body.toPatient(patientIds),
                body.slot().toSlot(), body.location(), body.description()), actor, key);
    }

    @PostMapping("/proposals")
    @Operation(summary = "Offer slots for an appointment (for a referral or a patient); one is confirmed later")
    ResponseEntity<Object> propose(@Valid @RequestBody ProposeRequest body, Actor actor,
                                   @RequestHeader(value = IDEMPOTENCY_KEY, required = false) String key) {
        organisations.requireOwnIdentifierSystem(actor, body.patient());
        return create("propose|" + body, id -> new ProposeAppointment(id, body.referralId(), body.toPatient(patientIds),
                body.slots().stream().map(SlotRequest::toSlot).toList(), body.location(), body.description()),
                actor, key);
    }

    @PostMapping("/{id}/confirm-slot")
    @Operation(summary = "Book one of the proposed slots")
    ResponseEntity<Object> confirmSlot(@PathVariable String id, @Valid @RequestBody ConfirmSlotRequest body,
                                       Actor actor, WriteHeaders headers) {
        return act(id, new ConfirmSlot(id, body.start()), actor, headers);
    }

    @PostMapping("/{id}/reschedule")
    @Operation(summary = "Move a booked appointment (performing organisation)")
    ResponseEntity<Object> reschedule(@PathVariable String id, @Valid @RequestBody RescheduleRequest body,
                                      Actor actor, WriteHeaders headers) {
        IfMatch.require(headers.ifMatch());
        return act(id, new RescheduleAppointment(id, body.slot().toSlot(), body.location(), body.reason()), actor,
                headers);
    }

    @PostMapping("/{id}/cancel")
    @Operation(summary = "Cancel a proposed or booked appointment, with the reason (performing organisation)")
    ResponseEntity<Object> cancel(@PathVariable String id, @Valid @RequestBody ReasonRequest body, Actor actor,
                                  WriteHeaders headers) {
        return act(id, new CancelAppointment(id, body.reason()), actor, headers);
    }

    @PostMapping("/{id}/arrived")
    @Operation(summary = "The patient has arrived (performing organisation)")
    ResponseEntity<Object> arrived(@PathVariable String id, Actor actor, WriteHeaders headers) {
        return act(id, new MarkArrived(id), actor, headers);
    }

    @PostMapping("/{id}/fulfilled")
    @Operation(summary = "The visit took place (performing organisation)")
    ResponseEntity<Object> fulfilled(@PathVariable String id, Actor actor, WriteHeaders headers) {
        return act(id, new MarkFulfilled(id), actor, headers);
    }

    @PostMapping("/{id}/no-show")
    @Operation(summary = "The patient did not attend (performing organisation)")
    ResponseEntity<Object> noShow(@PathVariable String id, Actor actor, WriteHeaders headers) {
        return act(id, new MarkNoShow(id), actor, headers);
    }

    @PostMapping("/{id}/hand-off")
    @Operation(summary = "Hand responsibility to another organisation, which then sees the appointment")
    ResponseEntity<Object> handOff(@PathVariable String id, @Valid @RequestBody HandOffRequest body, Actor actor,
                                   WriteHeaders headers) {
        organisations.requireKnown("toOrganisation", body.toOrganisation());
        return act(id, new HandOffAppointment(id, body.toOrganisation(), body.reason()), actor, headers);
    }

    private ResponseEntity<Object> create(String fingerprint, java.util.function.Function<String, Object> command,
                                          Actor actor, String key) {
        // The id is minted inside the idempotent block, so a retried request replays the first answer.
        Written written = idempotency.run(actor, key, fingerprint, () -> {
            String id = UUID.randomUUID().toString();
            return new Written(201, id, commands.sendForVersion(command.apply(id), actor, null), null, false);
        });
        return respond(written, actor, key);
    }

    private ResponseEntity<Object> act(String id, Object command, Actor actor, WriteHeaders headers) {
        String key = headers.idempotencyKey();
        return respond(idempotency.act(id, headers.ifMatch(), command, actor, key), actor, key);
    }

    private ResponseEntity<Object> respond(Written written, Actor actor, String key) {
        return responses.respond(written, actor, key, new ReadBack<>("/api/appointments", "appointmentId",
                position -> new FindAppointment(written.id(), actor.organisation(), written.version(), position), AppointmentView.class,
                AppointmentView::version));
    }
}
