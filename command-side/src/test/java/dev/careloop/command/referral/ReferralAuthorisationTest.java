package dev.careloop.command.referral;

import dev.careloop.command.rules.Refusal;
import dev.careloop.api.referral.AcceptReferral;
import dev.careloop.api.referral.DeclineReferral;
import dev.careloop.api.referral.ReferralAccepted;
import org.axonframework.commandhandling.NoHandlerForCommandException;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static dev.careloop.api.referral.ReferralStatus.ACCEPTED;
import static dev.careloop.command.referral.ReferralTestData.*;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * Who may take each step: the right organisation of the referral (initiator or recipient), with a clinic
 * role (clinicians only for clinical steps); everyone else is refused, and an organisation that is not
 * part of the referral is not told it exists. Each step is tried from a state that allows it, so the
 * refusal can only come from who is asking.
 */
class ReferralAuthorisationTest {

    private final AggregateTestFixture<Referral> fixture = referralFixture();

    @ParameterizedTest(name = "{0}")
    @EnumSource(Action.class)
    void theOtherOrganisationOfTheReferralIsForbiddenToTakeTheStep(Action step) {
        String rightSide = step.side == Action.Side.INITIATOR ? "referring" : "receiving";
        fixture.given(history(step.allowedFrom))
                .when(step.command(), by(step.otherParty()))
                .expectException(refusal(Refusal.Kind.FORBIDDEN,
                        startsWith("only the " + rightSide + " organisation can ")))
                .expectNoEvents();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Action.class)
    void complianceOfficersCannotTakeAnyStep(Action step) {
        fixture.given(history(step.allowedFrom))
                .when(step.command(), by(step.complianceOfficerOfRightParty()))
                .expectException(refusal(Refusal.Kind.FORBIDDEN, startsWith(rolesAllowed(step))))
                .expectNoEvents();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Action.class)
    void adminsCannotTakeAnyStep(Action step) {
        fixture.given(history(step.allowedFrom))
                .when(step.command(), by(step.adminOfRightParty()))
                .expectException(refusal(Refusal.Kind.FORBIDDEN, startsWith(rolesAllowed(step))))
                .expectNoEvents();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Action.class, names = {"SEND_INTERIM_NOTE", "SEND_OUTCOME", "REFER_BACK"})
    void coordinatorsCannotTakeClinicalSteps(Action step) {
        fixture.given(history(step.allowedFrom))
                .when(step.command(), by(step.coordinatorOfRightParty()))
                .expectException(refusal(Refusal.Kind.FORBIDDEN, startsWith("only clinicians can ")))
                .expectNoEvents();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Action.class, mode = EnumSource.Mode.EXCLUDE,
            names = {"SEND_INTERIM_NOTE", "SEND_OUTCOME", "REFER_BACK"})
    void coordinatorsCanTakeEveryNonClinicalStep(Action step) {
        fixture.given(history(step.allowedFrom))
                .when(step.command(), by(step.coordinatorOfRightParty()))
                .expectSuccessfulHandlerExecution()
                .expectEvents(step.written(step.leadsTo).toArray());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Action.class)
    void anOrganisationOutsideTheReferralIsToldThereIsNoSuchReferral(Action step) {
        fixture.given(history(step.allowedFrom))
                .when(step.command(), by(LAKESIDE_STAFF))
                .expectException(refusal(Refusal.Kind.NOT_FOUND, equalTo("no such referral")))
                .expectNoEvents();
    }

    @Test
    void anOutsiderWithAStaleVersionIsStillToldThereIsNoSuchReferral() {
        fixture.given(referralSent(), accepted())
                .when(new AcceptReferral(REFERRAL_ID), by(LAKESIDE_STAFF, 1))
                .expectException(refusal(Refusal.Kind.NOT_FOUND, equalTo("no such referral")))
                .expectNoEvents();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Action.class)
    void aStepBasedOnAnOlderVersionIsRefusedAsAConflict(Action step) {
        List<Object> history = history(step.allowedFrom);
        fixture.given(history)
                .when(step.command(), by(step.rightParty(), history.size() - 1))
                .expectException(refusal(Refusal.Kind.CONFLICT, startsWith("the referral has changed")))
                .expectNoEvents();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Action.class)
    void aStepBasedOnTheCurrentVersionGoesThrough(Action step) {
        List<Object> history = history(step.allowedFrom);
        fixture.given(history)
                .when(step.command(), by(step.rightParty(), history.size()))
                .expectEvents(step.written(step.leadsTo).toArray())
                .expectResultMessagePayload((long) history.size() + 1);
    }

    @Test
    void aStaleVersionIsRefusedWithBothVersionsNamed() {
        fixture.given(referralSent(), accepted())
                .when(new DeclineReferral(REFERRAL_ID, DECLINE_REASON), by(RIVERSIDE_CLINICIAN, 1))
                .expectException(refusal(Refusal.Kind.CONFLICT, equalTo(
                        "the referral has changed: you sent If-Match version 1 but it is now at version 2")))
                .expectNoEvents();
    }

    @Test
    void aVersionFromTheFutureIsRefusedAsAConflict() {
        fixture.given(referralSent())
                .when(new AcceptReferral(REFERRAL_ID), by(RIVERSIDE_CLINICIAN, 2))
                .expectException(refusal(Refusal.Kind.CONFLICT, equalTo(
                        "the referral has changed: you sent If-Match version 2 but it is now at version 1")))
                .expectNoEvents();
    }

    @Test
    void aStepWithoutIfMatchIsNotCheckedForVersion() {
        fixture.given(referralSent())
                .when(new AcceptReferral(REFERRAL_ID), by(RIVERSIDE_CLINICIAN))
                .expectEvents(new ReferralAccepted(REFERRAL_ID, ACCEPTED))
                .expectResultMessagePayload(2L);
    }

    @Test
    void aStaleVersionIsReportedRatherThanTheStateItWasBasedOn() {
        // accepting an already accepted referral with an old If-Match: the caller must reload first
        fixture.given(referralSent(), accepted())
                .when(new AcceptReferral(REFERRAL_ID), by(RIVERSIDE_CLINICIAN, 1))
                .expectException(refusal(Refusal.Kind.CONFLICT, startsWith("the referral has changed")))
                .expectNoEvents();
    }

    @Test
    void aCommandThatNamesNoActorIsNotHandledAtAll() {
        // without an acting user the Actor parameter cannot be resolved, so no handler matches
        fixture.given(referralSent())
                .when(new AcceptReferral(REFERRAL_ID))
                .expectException(NoHandlerForCommandException.class)
                .expectNoEvents();
    }

    private static String rolesAllowed(Action step) {
        return step.who == Action.Who.CLINICIANS ? "only clinicians can " : "only clinicians or coordinators can ";
    }
}
