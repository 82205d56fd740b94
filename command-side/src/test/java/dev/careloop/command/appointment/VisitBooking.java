package dev.careloop.command.appointment;

import dev.careloop.api.appointment.RescheduleAppointment;
import dev.careloop.api.referral.Appointment;
import dev.careloop.command.referral.Referral;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.axonframework.modelling.command.Aggregate;
import org.axonframework.modelling.command.Repository;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.mockito.Mockito;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;

/**
 * For the referral's own tests: lets a referral fixture take the visit actions of the referral API, which
 * {@link AppointmentBooking} asks of the referral (PlanVisit, on the fixture's command bus), carries out on an
 * appointment and has the referral follow (FollowAppointment, on the same bus). The appointment side is a stand-in
 * that accepts every change: a new booking is its version 1, and an existing appointment (at version 2) moves to
 * version {@value #CHANGED_VERSION}, to the slot and location it was asked for.
 */
public final class VisitBooking {

    /** The version an existing appointment has after the stand-in took a change. */
    public static final long CHANGED_VERSION = 3;

    private VisitBooking() {
    }

    @SuppressWarnings("unchecked")
    public static AggregateTestFixture<Referral> handledBy(AggregateTestFixture<Referral> fixture) {
        Repository<AppointmentHandoff> appointments = Mockito.mock(Repository.class, Mockito.RETURNS_MOCKS);
        Aggregate<AppointmentHandoff> existing = Mockito.mock(Aggregate.class);
        Mockito.when(appointments.load(anyString())).thenReturn((Aggregate) existing);
        Mockito.when(existing.invoke(any())).thenAnswer(call ->
                call.<Function<AppointmentHandoff, Object>>getArgument(0).apply(standIn()));
        fixture.registerAnnotatedCommandHandler(new AppointmentBooking(appointments,
                DefaultCommandGateway.builder().commandBus(fixture.getCommandBus()).build(),
                new ReminderPolicy(Duration.ofHours(24), Clock.systemUTC())));
        return fixture;
    }

    /** An appointment that takes every change, answers its new version and shows where a reschedule put it. */
    private static AppointmentHandoff standIn() {
        AppointmentHandoff appointment = Mockito.mock(AppointmentHandoff.class);
        Appointment[] visit = new Appointment[1];
        Mockito.when(appointment.handle(any(RescheduleAppointment.class), any(), any(), any(), any()))
                .thenAnswer(call -> {
                    RescheduleAppointment moved = call.getArgument(0);
                    visit[0] = new Appointment(moved.slot().start(), moved.slot().end(), moved.location());
                    return CHANGED_VERSION;
                });
        Mockito.when(appointment.handle(any(dev.careloop.api.appointment.MarkNoShow.class), any(), any(), any()))
                .thenReturn(CHANGED_VERSION);
        Mockito.when(appointment.handle(any(dev.careloop.api.appointment.CancelAppointment.class), any(), any(),
                any())).thenReturn(CHANGED_VERSION);
        Mockito.when(appointment.visit()).thenAnswer(call -> visit[0]);
        return appointment;
    }
}
