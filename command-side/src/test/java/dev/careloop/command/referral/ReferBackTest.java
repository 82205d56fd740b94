package dev.careloop.command.referral;

import dev.careloop.command.rules.Refusal;
import dev.careloop.api.referral.OutcomeAcknowledged;
import dev.careloop.api.referral.ReferBack;
import dev.careloop.api.referral.ReferralSent;
import dev.careloop.api.referral.ReferredBack;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.annotation.SimpleResourceParameterResolverFactory;
import org.axonframework.modelling.command.AggregateScopeDescriptor;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.deadline.StubDeadlineManager;
import org.hamcrest.Description;
import org.hamcrest.Matcher;
import org.hamcrest.TypeSafeMatcher;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.careloop.api.referral.ReferralStatus.*;
import static dev.careloop.command.referral.Action.referredBackFromRiverside;
import static dev.careloop.command.referral.ReferralTestData.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.axonframework.test.matchers.Matchers.andNoMore;
import static org.axonframework.test.matchers.Matchers.exactSequenceOf;
import static org.axonframework.test.matchers.Matchers.messageWithPayload;
import static org.hamcrest.Matchers.equalTo;

/**
 * Refer back: the recipient opens a new referral to the initiator, linked to the original. The original
 * records {@code ReferredBack}; the new referral is created through {@code AggregateLifecycle.createNew}.
 *
 * <p>What {@code AggregateTestFixture} (Axon 4.13) shows of the new referral: its {@code ReferralSent} is
 * among the published events, right after the original's {@code ReferredBack}, and the deadline it
 * schedules is in the fixture's deadline manager. The fixture builds the new aggregate outside event
 * sourcing, so that event carries no aggregate identifier or sequence number there (the real
 * {@code EventSourcingRepository} stores it as event 0 of the new referral); these tests assert its
 * payload, not its envelope.
 */
class ReferBackTest {

    private final AggregateTestFixture<Referral> fixture = new AggregateTestFixture<>(Referral.class);

    private static ReferBack referBack() {
        return new ReferBack(REFERRAL_ID, NEW_REFERRAL_ID, BACK_REFERRAL_NUMBER, BACK_PRIORITY, BACK_SERVICE,
                BACK_REASON, BACK_NOTE, BACK_SLA_DUE);
    }

    @Test
    void recipientClinicianCanReferThePatientBackOnceTheOutcomeIsSent() {
        fixture.given(history(COMPLETED))
                .when(referBack(), by(RIVERSIDE_CLINICIAN))
                .expectSuccessfulHandlerExecution()
                .expectEvents(new ReferredBack(REFERRAL_ID, NEW_REFERRAL_ID, COMPLETED),
                        new ReferralSent(NEW_REFERRAL_ID, BACK_REFERRAL_NUMBER, RIVERSIDE_IDENTIFIER_SYSTEM,
                                RIVERSIDE, NORTHSIDE, PATIENT, BACK_PRIORITY, BACK_SERVICE, BACK_REASON, BACK_NOTE,
                                BACK_SLA_DUE, REFERRAL_ID, CREATED))
                // the version of the original referral, which the caller was acting on
                .expectResultMessagePayload(5L);
    }

    @Test
    void theReferBackIsTheOriginalReferralsNextEventFollowedByTheNewReferral() {
        fixture.given(history(COMPLETED))
                .when(referBack(), by(RIVERSIDE_CLINICIAN))
                .expectEventsMatching(exactSequenceOf(
                        domainEvent(REFERRAL_ID, 4, new ReferredBack(REFERRAL_ID, NEW_REFERRAL_ID, COMPLETED)),
                        messageWithPayload(equalTo(referredBackFromRiverside())),
                        andNoMore()));
    }

    @Test
    void referringBackLeavesTheOriginalReferralWhereItWas() {
        fixture.given(history(SCHEDULED))
                .when(referBack(), by(RIVERSIDE_CLINICIAN))
                .expectEvents(new ReferredBack(REFERRAL_ID, NEW_REFERRAL_ID, SCHEDULED), referredBackFromRiverside())
                .expectResultMessagePayload(4L);
    }

    @Test
    void aReferralCanStillBeReferredBackAfterTheLoopIsClosed() {
        fixture.given(referralSent(), accepted(), visitScheduled(), outcomeSent(),
                        new OutcomeAcknowledged(REFERRAL_ID, COMPLETED))
                .when(referBack(), by(RIVERSIDE_CLINICIAN))
                .expectEvents(new ReferredBack(REFERRAL_ID, NEW_REFERRAL_ID, COMPLETED), referredBackFromRiverside());
    }

    @Test
    void afterAForwardTheNewRecipientRefersBackToTheOriginalInitiator() {
        fixture.given(referralSent(), forwardedToHillside(CREATED), accepted())
                .when(referBack(), by(HILLSIDE_CLINICIAN))
                .expectEvents(new ReferredBack(REFERRAL_ID, NEW_REFERRAL_ID, ACCEPTED),
                        new ReferralSent(NEW_REFERRAL_ID, BACK_REFERRAL_NUMBER, HILLSIDE_IDENTIFIER_SYSTEM, HILLSIDE,
                                NORTHSIDE, PATIENT, BACK_PRIORITY, BACK_SERVICE, BACK_REASON, BACK_NOTE,
                                BACK_SLA_DUE, REFERRAL_ID, CREATED));
    }

    @Test
    void anUntriagedReferralCannotBeReferredBack() {
        fixture.given(referralSent())
                .when(referBack(), by(RIVERSIDE_CLINICIAN))
                .expectException(refusal(Refusal.Kind.CONFLICT,
                        equalTo("a referral that is awaiting triage cannot be referred back")))
                .expectNoEvents();
    }

    @Test
    void theNewReferralHasItsOwnSlaDeadline() {
        fixture.given(history(COMPLETED))
                .when(referBack(), by(RIVERSIDE_CLINICIAN))
                .expectScheduledDeadlineWithName(BACK_SLA_DUE, SLA_DEADLINE);
    }

    @Test
    void theNewReferralsSlaDeadlineIsMissedByTheNewReferralNotTheOriginal() {
        // The fixture's deadline manager does not expose scopes; hand the handler one that does.
        StubDeadlineManager deadlines = new StubDeadlineManager(SENT_AT);
        fixture.registerParameterResolverFactory(new SimpleResourceParameterResolverFactory(List.of(deadlines)));

        fixture.given(history(COMPLETED))
                .when(referBack(), by(RIVERSIDE_CLINICIAN))
                .expectSuccessfulHandlerExecution();

        assertThat(deadlines.getScheduledDeadlines()).singleElement().satisfies(deadline -> {
            assertThat(deadline.getDeadlineName()).isEqualTo(SLA_DEADLINE);
            assertThat(deadline.getScheduleTime()).isEqualTo(BACK_SLA_DUE);
            assertThat(deadline.getDeadlineScope())
                    .isEqualTo(new AggregateScopeDescriptor("Referral", NEW_REFERRAL_ID));
        });
    }

    /** An event the fixture recorded as {@code aggregateId}'s event number {@code sequence}. */
    private static Matcher<Message<?>> domainEvent(String aggregateId, long sequence, Object payload) {
        return new TypeSafeMatcher<>() {
            @Override
            protected boolean matchesSafely(Message<?> message) {
                return message instanceof DomainEventMessage<?> event
                        && aggregateId.equals(event.getAggregateIdentifier())
                        && event.getSequenceNumber() == sequence
                        && payload.equals(event.getPayload());
            }

            @Override
            public void describeTo(Description description) {
                description.appendText("event " + sequence + " of " + aggregateId + ": " + payload);
            }
        };
    }
}
