package dev.careloop.fhir.inbound;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import dev.careloop.api.referral.CancelVisit;
import dev.careloop.api.referral.ProvideInformation;
import dev.careloop.api.referral.RecordNoShow;
import dev.careloop.api.referral.RescheduleVisit;
import dev.careloop.api.referral.ScheduleVisit;
import dev.careloop.api.referral.SendInterimNote;
import dev.careloop.api.referral.VisitScheduled;
import dev.careloop.fhir.facade.FhirCaller;
import dev.careloop.fhir.facade.FhirLog;
import dev.careloop.fhir.facade.Outcomes;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The steps of a referral a partner EHR takes with resources other than the Task, each the command the REST API
 * sends for it, under the same rules:
 * <ul>
 *   <li>{@code POST /fhir/Communication} about a referral ({@code partOf} its Task, or {@code basedOn} its
 *       ServiceRequest; the text as {@code payload.contentString}): while the referral is on hold, the initiator's
 *       answer to the question (ProvideInformation); otherwise the recipient's interim consult note
 *       (SendInterimNote, DocumentReference payloads naming records attached to the referral);</li>
 *   <li>{@code POST /fhir/Appointment} {@code basedOn} the referral's ServiceRequest: the recipient books the visit
 *       (ScheduleVisit; start, end, and where as a Location participant's display); the same booking posted again
 *       (a retry after a lost answer) finds the visit booked as asked and answers 200 with it;</li>
 *   <li>{@code PUT /fhir/Appointment/{id}} with {@code If-Match}: a new start, end or place reschedules the visit
 *       (RescheduleVisit, the reason as {@code comment}); status {@code cancelled} cancels it (CancelVisit,
 *       {@code cancelationReason}); {@code noshow} records that the patient did not attend (RecordNoShow).</li>
 * </ul>
 * Who may take each step is the referral's rule: the wrong party gets a 403, a step the referral's state refuses a
 * 409, and nothing is written.
 */
@Component
public class PartnerSteps {

    private final InboundCommands commands;
    private final FhirLog log;
    private final EventStore eventStore;

    PartnerSteps(InboundCommands commands, FhirLog log, EventStore eventStore) {
        this.commands = commands;
        this.log = log;
        this.eventStore = eventStore;
    }

    /** An answer or an interim note: 201 and the Communication the change made. */
    public MethodOutcome communicate(Communication communication, FhirCaller caller) {
        String referralId = referral(communication);
        Task task = (Task) log.read("Task", referralId, caller.organisation())
                .orElseThrow(() -> new ResourceNotFoundException(new IdType("Task", referralId)));
        List<String> texts = new ArrayList<>();
        List<String> records = new ArrayList<>();
        for (int i = 0; i < communication.getPayload().size(); i++) {
            var content = communication.getPayload().get(i).getContent();
            if (content instanceof StringType text && text.hasValue() && !text.getValue().isBlank()) {
                texts.add(text.getValue());
            } else if (content instanceof Reference ref && ref.hasReference()
                    && "DocumentReference".equals(new IdType(ref.getReference()).getResourceType())) {
                records.add(new IdType(ref.getReference()).getIdPart());
            } else {
                throw Outcomes.unprocessable("Communication.payload[" + i + "]", "is the text (contentString) or "
                        + "a DocumentReference attached to the referral (contentReference)");
            }
        }
        if (texts.isEmpty()) {
            throw Outcomes.unprocessable("Communication.payload", "the text is required, as a contentString");
        }
        String text = String.join("\n\n", texts);
        Object command;
        if (task.getStatus() == Task.TaskStatus.ONHOLD) {
            if (!records.isEmpty()) {
                throw Outcomes.unprocessable("Communication.payload", "an answer is text only: share records "
                        + "with the referral, then name them in the answer");
            }
            command = new ProvideInformation(referralId, text);
        } else {
            command = new SendInterimNote(referralId, text, records);
        }
        long version = commands.send(command, caller.actor(), null, "Communication");
        String id = referralId + "-" + version;
        Resource made = log.read("Communication", id, caller.organisation())
                .orElseThrow(() -> new IllegalStateException("Communication/" + id + " is not in the log"));
        return new MethodOutcome(new IdType("Communication", id, "1"), true).setResource(made);
    }

    /** The recipient books the referral's visit: 201 and the Appointment. */
    public MethodOutcome book(Appointment appointment, FhirCaller caller) {
        String referralId = basedOn(appointment);
        dev.careloop.api.referral.Appointment visit = visit(appointment);
        String appointmentId = UUID.randomUUID().toString();
        try {
            commands.send(new ScheduleVisit(referralId, appointmentId, visit), caller.actor(), null, "Appointment");
        } catch (ResourceVersionConflictException refused) {
            // A POST retried after a lost answer finds its own booking: the same visit, answered 200, not a 409.
            Appointment same = booked(referralId, caller).filter(current -> sameVisit(current, visit))
                    .orElseThrow(() -> refused);
            return new MethodOutcome(same.getIdElement().toUnqualified(), false).setResource(same);
        }
        Resource made = log.read("Appointment", appointmentId, caller.organisation())
                .orElseThrow(() -> new IllegalStateException("Appointment/" + appointmentId + " is not in the log"));
        return new MethodOutcome(new IdType("Appointment", appointmentId, made.getMeta().getVersionId()), true)
                .setResource(made);
    }

    /** The referral's visit as booked now (its last scheduling's appointment, if still booked), as the caller sees. */
    private Optional<Appointment> booked(String referralId, FhirCaller caller) {
        Optional<String> appointmentId;
        try (var events = eventStore.readEvents(referralId).asStream()) {
            appointmentId = events.map(DomainEventMessage::getPayload).filter(VisitScheduled.class::isInstance)
                    .map(e -> ((VisitScheduled) e).appointmentId()).reduce((earlier, later) -> later);
        }
        return appointmentId.flatMap(id -> log.read("Appointment", id, caller.organisation()))
                .map(Appointment.class::cast)
                .filter(current -> current.getStatus() == Appointment.AppointmentStatus.BOOKED);
    }

    private static boolean sameVisit(Appointment current, dev.careloop.api.referral.Appointment visit) {
        return Objects.equals(visit.start(), current.getStart().toInstant())
                && Objects.equals(visit.end(), current.hasEnd() ? current.getEnd().toInstant() : null)
                && Objects.equals(visit.location(), location(current));
    }

    /** A referral's visit moved, cancelled or missed; the Appointment after it (or as it is, when nothing changed). */
    public Appointment update(IdType id, Appointment updated, String ifMatch, FhirCaller caller) {
        String appointmentId = id.getIdPart();
        Appointment current = (Appointment) log.read("Appointment", appointmentId, caller.organisation())
                .orElseThrow(() -> new ResourceNotFoundException(id.toUnqualifiedVersionless()));
        if (updated.getIdElement().hasIdPart() && !appointmentId.equals(updated.getIdElement().getIdPart())) {
            throw Outcomes.unprocessable("Appointment.id", "is " + updated.getIdElement().getIdPart()
                    + " but the URL names " + appointmentId);
        }
        Long expected = TaskUpdates.version(ifMatch);
        if (expected == null) {
            throw TaskUpdates.preconditionRequired();
        }
        String referralId = basedOn(current);
        Object command = step(referralId, current, updated);
        if (command == null) {
            return current;
        }
        long now = Long.parseLong(current.getMeta().getVersionId());
        if (expected != now) {
            throw TaskUpdates.stale(expected, now);
        }
        commands.send(command, caller.actor(), null, command instanceof RescheduleVisit ? "Appointment.start"
                : "Appointment.status");
        return (Appointment) log.read("Appointment", appointmentId, caller.organisation())
                .orElseThrow(() -> new ResourceNotFoundException(id.toUnqualifiedVersionless()));
    }

    private Object step(String referralId, Appointment current, Appointment updated) {
        Appointment.AppointmentStatus status = updated.getStatus();
        if (status != null && status != current.getStatus()) {
            return switch (status) {
                case CANCELLED -> new CancelVisit(referralId, updated.hasCancelationReason()
                        ? InboundReferrals.text(updated.getCancelationReason()) : null);
                case NOSHOW -> new RecordNoShow(referralId);
                default -> throw new ResourceVersionConflictException("a partner cannot move a visit to "
                        + "Appointment.status " + status.toCode(), Outcomes.error(IssueType.BUSINESSRULE,
                        "a partner cannot move a referral's visit to Appointment.status " + status.toCode()
                                + "; it reschedules (a new start), cancels (cancelled) or records a no-show "
                                + "(noshow)", "Appointment.status"));
            };
        }
        dev.careloop.api.referral.Appointment visit = visit(updated);
        if (sameVisit(current, visit)) {
            return null;
        }
        return new RescheduleVisit(referralId, visit, updated.hasComment()
                && !Objects.equals(updated.getComment(), current.getComment()) ? updated.getComment() : null);
    }

    /** When and where, as the REST API takes them: a start to come, an end after it, a place. */
    private static dev.careloop.api.referral.Appointment visit(Appointment appointment) {
        if (!appointment.hasStart()) {
            throw Outcomes.unprocessable("Appointment.start", "when the visit starts is required");
        }
        Instant start = appointment.getStart().toInstant();
        Instant end = appointment.hasEnd() ? appointment.getEnd().toInstant() : null;
        if (!start.isAfter(Instant.now())) {
            throw Outcomes.unprocessable("Appointment.start", "must be in the future");
        }
        if (end != null && end.isBefore(start)) {
            throw Outcomes.unprocessable("Appointment.end", "must not be before the start");
        }
        String location = location(appointment);
        if (location == null || location.isBlank()) {
            throw Outcomes.unprocessable("Appointment.participant", "where the visit takes place is required, as "
                    + "a participant whose actor is a Location named by its display");
        }
        if (location.length() > 255) {
            throw Outcomes.unprocessable("Appointment.participant", "the place is longer than 255 characters");
        }
        return new dev.careloop.api.referral.Appointment(start, end, location);
    }

    private static String location(Appointment appointment) {
        return appointment.getParticipant().stream().map(Appointment.AppointmentParticipantComponent::getActor)
                .filter(actor -> "Location".equals(actor.getType())
                        || (actor.hasReference() && actor.getReference().startsWith("Location/")))
                .map(Reference::getDisplay).filter(Objects::nonNull).findFirst().orElse(null);
    }

    private static String basedOn(Appointment appointment) {
        return appointment.getBasedOn().stream().map(Reference::getReference).filter(Objects::nonNull)
                .map(IdType::new).filter(id -> "ServiceRequest".equals(id.getResourceType()) && id.hasIdPart())
                .map(IdType::getIdPart).findFirst()
                .orElseThrow(() -> Outcomes.unprocessable("Appointment.basedOn", "must name the referral's "
                        + "ServiceRequest (ServiceRequest/{id}): a partner books the visit of a referral"));
    }

    private static String referral(Communication communication) {
        for (Reference ref : communication.getPartOf()) {
            IdType id = new IdType(Objects.toString(ref.getReference(), ""));
            if ("Task".equals(id.getResourceType()) && id.hasIdPart()) {
                return id.getIdPart();
            }
        }
        for (Reference ref : communication.getBasedOn()) {
            IdType id = new IdType(Objects.toString(ref.getReference(), ""));
            if ("ServiceRequest".equals(id.getResourceType()) && id.hasIdPart()) {
                return id.getIdPart();
            }
        }
        throw Outcomes.unprocessable("Communication.partOf", "must name the referral's Task (Task/{id}), or basedOn "
                + "its ServiceRequest");
    }
}
