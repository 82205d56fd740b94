package dev.careloop.fhir.mapping;

import dev.careloop.api.privacy.PatientRekeyed;
import dev.careloop.api.Patient;
import dev.careloop.api.appointment.AppointmentBooked;
import dev.careloop.api.appointment.AppointmentCancelled;
import dev.careloop.api.appointment.AppointmentEvent;
import dev.careloop.api.appointment.AppointmentHandedOff;
import dev.careloop.api.appointment.AppointmentProposed;
import dev.careloop.api.appointment.AppointmentRescheduled;
import dev.careloop.api.appointment.AppointmentStatus;
import dev.careloop.api.appointment.Slot;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An appointment hand-off as a FHIR Appointment with the appointment's id. R4 does not allow an Organization as
 * an Appointment participant, so each organisation takes part as its service ({@code HealthcareService/{org}}):
 * the performer as primary performer, the others (the referrer, earlier performers) for information only.
 */
final class AppointmentMapping {

    static final String AGGREGATE_TYPE = "AppointmentHandoff";
    static final String PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";

    private String appointmentId;
    private String referralId;
    private Patient patient;
    private String performer;
    /** Every organisation that takes part or took part, in the order they joined. */
    private final Set<String> organisations = new LinkedHashSet<>();
    private AppointmentStatus status;
    private Slot slot;
    private List<Slot> proposedSlots = List.of();
    private String location;
    private String description;
    private String cancellationReason;
    private Instant created;

    static FhirChange project(List<Step> history) {
        AppointmentMapping appointment = new AppointmentMapping();
        history.forEach(appointment::apply);
        return appointment.change(history.get(history.size() - 1));
    }

    private void apply(Step step) {
        Object event = step.event();
        if (event instanceof AppointmentProposed e) {
            start(step, e.appointmentId(), e.referralId(), e.patient(), e.performer(), e.participants());
            proposedSlots = e.slots() == null ? List.of() : List.copyOf(e.slots());
            location = e.location();
            description = e.description();
        } else if (event instanceof AppointmentBooked e) {
            start(step, e.appointmentId(), e.referralId(), e.patient(), e.performer(), e.participants());
            slot = e.slot();
            proposedSlots = List.of();
            location = e.location() != null ? e.location() : location;
            description = e.description() != null ? e.description() : description;
        } else if (event instanceof AppointmentRescheduled e) {
            slot = e.slot();
            location = e.location() != null ? e.location() : location;
        } else if (event instanceof AppointmentCancelled e) {
            cancellationReason = e.reason();
        } else if (event instanceof AppointmentHandedOff e) {
            performer = e.toOrganisation();
            organisations.add(performer);
        } else if (event instanceof PatientRekeyed e) {
            // From now on the resource names the patient by the keyed id (a new version, pushed like any change).
            patient = e.applyTo(patient);
        }
        // Arrived, fulfilled, did not attend, reminder due (or an event added later): the status moves.
        if (event instanceof AppointmentEvent e) {
            status = e.status();
            if (referralId == null) {
                referralId = e.referralId();
            }
        }
    }

    /** Proposed, or booked directly (a booking after a proposal keeps what the proposal said). */
    private void start(Step step, String id, String referral, Patient who, String performing,
                       Collection<String> participants) {
        appointmentId = id;
        referralId = referral != null ? referral : referralId;
        patient = who != null ? who : patient;
        performer = performing;
        if (created == null) {
            created = step.recorded();
        }
        organisations.add(performing);
        if (participants != null) {
            participants.stream().filter(Objects::nonNull).sorted().forEach(organisations::add);
        }
    }

    private FhirChange change(Step last) {
        Appointment appointment = appointment(last);
        List<Resource> resources = new ArrayList<>(List.of(appointment));
        resources.add(Provenances.of(last, List.of(appointment)));
        return new FhirChange(AGGREGATE_TYPE, appointmentId, last.version(), last.recorded(), referralId,
                patient == null ? null : patient.patientId(), Changes.sorted(organisations), List.copyOf(resources));
    }

    private Appointment appointment(Step last) {
        Appointment appointment = last.stamp(new Appointment(), appointmentId);
        appointment.setStatus(Appointment.AppointmentStatus.fromCode(status.code()));
        if (cancellationReason != null
                && (status == AppointmentStatus.CANCELLED || status == AppointmentStatus.NO_SHOW)) {
            appointment.setCancelationReason(R4.text(cancellationReason));
        }
        appointment.setDescription(description);
        if (slot != null) {
            appointment.setStartElement(R4.instant(slot.start()));
            // R4 wants an end with every start (app-2); a visit booked without one ends, as far as we know, when
            // it starts, and the absent length is said so rather than invented.
            appointment.setEndElement(R4.instant(slot.end() == null ? slot.start() : slot.end()));
            if (slot.end() == null) {
                appointment.setComment("no end time was given when this visit was booked");
            }
        }
        appointment.setCreatedElement(R4.dateTime(created));
        if (referralId != null) {
            appointment.addBasedOn(R4.ref("ServiceRequest", referralId));
        }
        if (status == AppointmentStatus.PROPOSED) {
            proposedSlots.forEach(s -> appointment.addRequestedPeriod(R4.period(s.start(), s.end())));
        }
        appointment.addParticipant()
                .addType(participation("PPRF", "primary performer"))
                .setActor(service(performer))
                .setRequired(Appointment.ParticipantRequired.REQUIRED)
                .setStatus(Appointment.ParticipationStatus.ACCEPTED);
        organisations.stream().filter(o -> !o.equals(performer)).forEach(o -> appointment.addParticipant()
                .addType(participation("PART", "Participation"))
                .setActor(service(o))
                .setRequired(Appointment.ParticipantRequired.INFORMATIONONLY)
                .setStatus(Appointment.ParticipationStatus.ACCEPTED));
        if (patient != null) {
            appointment.addParticipant()
                    .setActor(R4.patient(patient))
                    .setRequired(Appointment.ParticipantRequired.REQUIRED)
                    .setStatus(status == AppointmentStatus.PROPOSED
                            ? Appointment.ParticipationStatus.NEEDSACTION
                            : Appointment.ParticipationStatus.ACCEPTED);
        }
        if (location != null && !location.isBlank()) {
            // Where is free text: a Location named only by its display.
            appointment.addParticipant()
                    .setActor(new Reference().setType("Location").setDisplay(location))
                    .setRequired(Appointment.ParticipantRequired.INFORMATIONONLY)
                    .setStatus(Appointment.ParticipationStatus.ACCEPTED);
        }
        return appointment;
    }

    private static Reference service(String organisation) {
        return R4.ref("HealthcareService", organisation).setDisplay(organisation);
    }

    private static CodeableConcept participation(String code, String display) {
        return new CodeableConcept(new Coding(PARTICIPATION_TYPE, code, display));
    }
}
