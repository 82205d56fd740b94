package dev.careloop.fhir.mapping;

import dev.careloop.fhir.TestEvents.History;
import dev.careloop.api.appointment.AppointmentBooked;
import dev.careloop.api.appointment.AppointmentStatus;
import dev.careloop.api.appointment.Slot;
import dev.careloop.fhir.FhirValidation;
import org.hl7.fhir.r4.model.Appointment;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static dev.careloop.fhir.TestEvents.*;
import static dev.careloop.fhir.mapping.Resources.one;
import static org.assertj.core.api.Assertions.assertThat;

class AppointmentMappingTest {

    private final R4ChangeProjector projector = new R4ChangeProjector();
    private final History appointment = Histories.longAppointment();

    @Test
    void aProposalOffersItsSlotsAsRequestedPeriods() {
        Appointment proposed = one(projector.project(appointment.first(1)), Appointment.class);

        assertThat(proposed.getStatus()).isEqualTo(Appointment.AppointmentStatus.PROPOSED);
        assertThat(proposed.getRequestedPeriod()).hasSize(2);
        assertThat(proposed.hasStart()).isFalse();
        assertThat(proposed.getBasedOnFirstRep().getReference()).isEqualTo("ServiceRequest/" + REFERRAL);
    }

    @Test
    void aBookingHasItsTimeAndNoLongerItsOffers() {
        Appointment booked = one(projector.project(appointment.first(2)), Appointment.class);

        assertThat(booked.getStatus()).isEqualTo(Appointment.AppointmentStatus.BOOKED);
        assertThat(booked.getStart().toInstant()).isEqualTo(at(60 * 48));
        assertThat(booked.getEnd().toInstant()).isEqualTo(at(60 * 48 + 30));
        assertThat(booked.getRequestedPeriod()).isEmpty();
    }

    @Test
    void aVisitBookedWithoutAnEndIsValidR4AndSaysItsLengthWasNotGiven() {
        History open = appointment("appt-9").by(Histories.DERM_USER, DERM).then(new AppointmentBooked("appt-9", null, alex(),
                DERM, Set.of(DERM), new Slot(at(60 * 24), null), null, null, AppointmentStatus.BOOKED));

        Appointment booked = one(projector.project(open.events()), Appointment.class);

        FhirValidation.assertValid(booked);
        assertThat(booked.getEnd()).isEqualTo(booked.getStart());
        assertThat(booked.getComment()).contains("no end time");
    }

    @Test
    void aHandOffChangesThePerformerAndTheEarlierOneStaysInformed() {
        FhirChange handedOff = projector.project(appointment.first(5));
        Appointment moved = one(handedOff, Appointment.class);

        assertThat(moved.getParticipantFirstRep().getActor().getReference()).isEqualTo("HealthcareService/" + CARDIO);
        assertThat(moved.getParticipantFirstRep().getTypeFirstRep().getCodingFirstRep().getCode()).isEqualTo("PPRF");
        assertThat(moved.getParticipant()).filteredOn(p -> p.getRequired() == Appointment.ParticipantRequired.INFORMATIONONLY)
                .extracting(p -> p.getActor().getReference()).contains("HealthcareService/" + DERM, "HealthcareService/" + GP);
        assertThat(handedOff.organisations()).containsExactly(CARDIO, GP, DERM);
        assertThat(moved.getStart().toInstant()).isEqualTo(at(60 * 72));
    }

    @Test
    void thePatientTakesPartByIdentifier() {
        Appointment fulfilled = one(projector.project(appointment.events()), Appointment.class);

        assertThat(fulfilled.getStatus()).isEqualTo(Appointment.AppointmentStatus.FULFILLED);
        assertThat(fulfilled.getParticipant()).anySatisfy(p -> {
            assertThat(p.getActor().getType()).isEqualTo("Patient");
            assertThat(p.getActor().getIdentifier().getValue()).isEqualTo("NG-1001");
        });
    }

    @Test
    void aCancellationSaysWhy() {
        Appointment cancelled = one(projector.project(Histories.cancelledAppointment().events()), Appointment.class);

        assertThat(cancelled.getStatus()).isEqualTo(Appointment.AppointmentStatus.CANCELLED);
        assertThat(cancelled.getCancelationReason().getText()).isEqualTo("Patient asked for another day");
    }

    @Test
    void aTransitionOfCareWithoutAReferralHasNoOrderAndNoReferralToOrderBy() {
        FhirChange missed = projector.project(Histories.missedAppointment().events());

        assertThat(missed.referralId()).isNull();
        assertThat(one(missed, Appointment.class).getStatus()).isEqualTo(Appointment.AppointmentStatus.NOSHOW);
        assertThat(one(missed, Appointment.class).hasBasedOn()).isFalse();
    }
}
