package dev.careloop.command.appointment;

import dev.careloop.command.referral.Referral;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.axonframework.modelling.command.Repository;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.mockito.Mockito;

import java.time.Clock;
import java.time.Duration;

/**
 * For the referral's own tests: lets a referral fixture take the visit actions of the referral API, which
 * {@link AppointmentBooking} asks of the referral (PlanVisit, on the fixture's command bus) and then carries out on
 * an appointment. The appointment side is a stand-in that accepts every change: those tests are about the
 * referral's answer.
 */
public final class VisitBooking {

    private VisitBooking() {
    }

    @SuppressWarnings("unchecked")
    public static AggregateTestFixture<Referral> handledBy(AggregateTestFixture<Referral> fixture) {
        Repository<AppointmentHandoff> appointments = Mockito.mock(Repository.class, Mockito.RETURNS_MOCKS);
        fixture.registerAnnotatedCommandHandler(new AppointmentBooking(appointments,
                DefaultCommandGateway.builder().commandBus(fixture.getCommandBus()).build(),
                new ReminderPolicy(Duration.ofHours(24), Clock.systemUTC())));
        return fixture;
    }
}
