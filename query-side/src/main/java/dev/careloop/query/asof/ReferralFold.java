package dev.careloop.query.asof;

import dev.careloop.api.privacy.PatientRekeyed;
import dev.careloop.api.Patient;
import dev.careloop.api.referral.*;
import org.axonframework.eventhandling.DomainEventMessage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.careloop.query.asof.Instants.stored;

/**
 * A referral folded from its events, field by field as ReferralViewProjection writes referral_view
 * (FoldMatchesReadModelTest compares the two after every event; AuditAsOfApiTest compares the reconstruction with the
 * view a user read after every write of a long referral), and the organisations that were ever party to it.
 */
final class ReferralFold {

    private String referralId;
    private String referralNumber;
    private String identifierSystem;
    private String initiator;
    private String recipient;
    private final Set<String> parties = new LinkedHashSet<>();
    private Patient patient;
    private Priority priority;
    private String service;
    private String reason;
    private ReferralStatus status;
    private boolean loopClosed;
    private String appointmentId;
    private Appointment appointment;
    /** Whether the appointment is still to take place (not missed, not cancelled). */
    private boolean visitBooked;
    private String openQuestion;
    private String consultReport;
    private final List<String> interimNotes = new ArrayList<>();
    private String declineReason;
    private Instant slaDueAt;
    private boolean overdue;
    private String basedOnReferralId;
    private Instant createdAt;
    private Instant updatedAt;
    private long version;
    private final List<String> recordIds = new ArrayList<>();
    private Assignee assignedTo;
    /** Former recipients: the sequence of the forward that ended each one's part. */
    private final Map<String, Long> partEnded = new HashMap<>();

    void apply(DomainEventMessage<?> message) {
        Object payload = message.getPayload();
        Instant at = stored(message.getTimestamp());
        if (payload instanceof PatientRekeyed e) {
            // The patient under the keyed id; like the live view, only the version moves with it.
            if (referralId != null && version < message.getSequenceNumber() + 1) {
                patient = e.applyTo(patient);
                version = message.getSequenceNumber() + 1;
            }
            return;
        }
        if (payload instanceof ReferralSent e) {
            if (referralId != null) {
                return;
            }
            referralId = e.referralId();
            referralNumber = e.referralNumber();
            identifierSystem = e.identifierSystem();
            initiator = e.initiatorOrganisation();
            recipient = e.recipientOrganisation();
            parties.add(initiator);
            parties.add(recipient);
            patient = e.patient();
            priority = e.priority();
            service = e.service();
            reason = e.reason();
            status = e.status();
            slaDueAt = stored(e.slaDueAt());
            basedOnReferralId = e.basedOnReferralId();
            createdAt = at;
            updatedAt = at;
            version = message.getSequenceNumber() + 1;
            return;
        }
        if (!(payload instanceof ReferralEvent e) || referralId == null || version >= message.getSequenceNumber() + 1) {
            return;
        }
        status = e.status();
        updatedAt = at;
        version = message.getSequenceNumber() + 1;
        if (status != ReferralStatus.INFORMATION_REQUESTED) {
            openQuestion = null;
        }
        if (e instanceof ReferralForwarded f) {
            recipient = f.toOrganisation();
            parties.add(f.toOrganisation());
            if (f.fromOrganisation() != null && !f.fromOrganisation().equals(initiator)) {
                partEnded.put(f.fromOrganisation(), message.getSequenceNumber());
            }
            partEnded.remove(f.toOrganisation());
            assignedTo = null;
        } else if (e instanceof ReferralAssigned a) {
            assignedTo = new Assignee(a.assignee(), a.assigneeName());
        } else if (e instanceof ReferralUnassigned) {
            assignedTo = null;
        } else if (e instanceof InformationRequested q) {
            openQuestion = q.question();
        } else if (e instanceof VisitScheduled v) {
            booked(v.appointmentId(), v.appointment());
        } else if (e instanceof VisitRescheduled v) {
            booked(v.appointmentId(), v.appointment());
        } else if (e instanceof NoShowRecorded) {
            visitBooked = false;
        } else if (e instanceof VisitCancelled) {
            dropVisit();
        } else if (e instanceof ReferralDeclined d) {
            declineReason = d.reason();
        } else if (e instanceof InterimNoteSent n && n.note() != null) {
            interimNotes.add(n.note());
        } else if (e instanceof OutcomeSent o) {
            consultReport = o.report();
            // As the projection: the report cancels a booked visit still ahead (CloseAppointmentForReferral).
            if (visitBooked && appointment != null && appointment.start().isAfter(at)) {
                dropVisit();
            }
        } else if (e instanceof OutcomeAcknowledged) {
            loopClosed = true;
        } else if (e instanceof ReferralSlaMissed) {
            overdue = true;
        } else if (e instanceof RecordAttached r) {
            recordIds.add(r.recordId());
        }
    }

    private void dropVisit() {
        appointmentId = null;
        appointment = null;
        visitBooked = false;
    }

    private void booked(String id, Appointment a) {
        appointmentId = id;
        visitBooked = true;
        // The view has an appointment only when it has a start (appointment_start).
        appointment = a == null || a.start() == null ? null
                : new Appointment(stored(a.start()), stored(a.end()), a.location());
    }

    boolean exists() {
        return referralId != null;
    }

    Set<String> parties() {
        return Set.copyOf(parties);
    }

    /** The sequence of the forward that ended {@code organisation}'s part, or null (initiator, current recipient). */
    Long partEndedAt(String organisation) {
        return partEnded.get(organisation);
    }

    ReferralView view() {
        if (!exists()) {
            return null;
        }
        return new ReferralView(referralId, referralNumber, identifierSystem, initiator, recipient, patient, priority,
                service, reason, status, status.taskStatus(), status.businessStatus(), status.display(), loopClosed,
                appointmentId, appointment, openQuestion, slaDueAt, overdue, basedOnReferralId, createdAt, updatedAt,
                version, List.copyOf(recordIds), consultReport, List.copyOf(interimNotes), declineReason, assignedTo,
                List.of());
    }
}
