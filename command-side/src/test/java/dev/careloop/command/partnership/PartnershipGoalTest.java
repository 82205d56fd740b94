package dev.careloop.command.partnership;

import dev.careloop.api.Actor;
import dev.careloop.api.partnership.PartnershipGoalSet;
import dev.careloop.api.partnership.PartnershipGoalWithdrawn;
import dev.careloop.api.partnership.SetPartnershipGoal;
import dev.careloop.api.partnership.WithdrawPartnershipGoal;
import dev.careloop.command.rules.Refusal;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static dev.careloop.command.CommandTesting.by;
import static dev.careloop.command.CommandTesting.invalidField;
import static dev.careloop.command.CommandTesting.refusal;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/** An organisation sets goals on its partnerships and withdraws them; the goal says who, when and why. */
class PartnershipGoalTest {

    private static final String GOAL = "goal-1";
    private static final String GP = "northside-gp";
    private static final String DERM = "riverside-derm";
    private static final Actor GP_COORDINATOR = new Actor("gp-coord", GP, Set.of(Actor.COORDINATOR), null, null);
    private static final Actor GP_COMPLIANCE = new Actor("gp-officer", GP, Set.of(Actor.COMPLIANCE), null, null);
    private static final Actor DERM_CLINICIAN = new Actor("derm-doc", DERM, Set.of(Actor.CLINICIAN), null, null);
    private static final Actor STRANGER = new Actor("x", "lakeside-cardio", Set.of(Actor.CLINICIAN), null, null);
    private static final String WHY = "Agreed at the quarterly review";

    private final AggregateTestFixture<PartnershipGoal> fixture = new AggregateTestFixture<>(PartnershipGoal.class);

    private static SetPartnershipGoal urgentTriage() {
        return new SetPartnershipGoal(GOAL, DERM, "slaMetRate", 0.9, null, "urgent", null, "outgoing", WHY);
    }

    private static PartnershipGoalSet urgentTriageSet() {
        return new PartnershipGoalSet(GOAL, GP, DERM, "slaMetRate", "atLeast", 0.9, null, "urgent", null,
                "outgoing", WHY);
    }

    @Test
    void anOrganisationSetsAGoalOnItsPartnership() {
        fixture.givenNoPriorActivity()
                .when(urgentTriage(), by(GP_COORDINATOR))
                .expectEvents(urgentTriageSet())
                .expectResultMessagePayload(1L);
    }

    @Test
    void aLoopClosureGoalNamesTheDaysAndDefaultsToBothDirections() {
        fixture.givenNoPriorActivity()
                .when(new SetPartnershipGoal(GOAL, DERM, "loopClosureRate", 0.95, 30, null, "Dermatology", null, WHY),
                        by(GP_COORDINATOR))
                .expectEvents(new PartnershipGoalSet(GOAL, GP, DERM, "loopClosureRate", "atLeast", 0.95, 30, null,
                        "Dermatology", "both", WHY));
    }

    @Test
    void aTurnaroundGoalIsMetAtOrBelowItsHours() {
        fixture.givenNoPriorActivity()
                .when(new SetPartnershipGoal(GOAL, DERM, "sentToAccepted.medianHours", 48.0, null, null, null, null,
                        WHY), by(GP_COORDINATOR))
                .expectEvents(new PartnershipGoalSet(GOAL, GP, DERM, "sentToAccepted.medianHours", "atMost", 48.0,
                        null, null, null, "both", WHY));
    }

    @Test
    void anUnknownMeasureIsRefusedNamingTheField() {
        fixture.givenNoPriorActivity()
                .when(new SetPartnershipGoal(GOAL, DERM, "happiness", 0.9, null, null, null, null, WHY),
                        by(GP_COORDINATOR))
                .expectException(invalidField("measure", startsWith("must be one of slaMetRate, loopClosureRate")))
                .expectNoEvents();
    }

    @Test
    void aRateAboveOneIsRefusedNamingTheTarget() {
        fixture.givenNoPriorActivity()
                .when(new SetPartnershipGoal(GOAL, DERM, "slaMetRate", 90.0, null, null, null, null, WHY),
                        by(GP_COORDINATOR))
                .expectException(invalidField("target", equalTo("must be a share between 0 and 1 (0.9 for 90 %)")))
                .expectNoEvents();
    }

    @Test
    void aLoopClosureGoalWithoutDaysIsRefused() {
        fixture.givenNoPriorActivity()
                .when(new SetPartnershipGoal(GOAL, DERM, "loopClosureRate", 0.95, null, null, null, null, WHY),
                        by(GP_COORDINATOR))
                .expectException(invalidField("withinDays", startsWith("the loop closure rate needs the days")))
                .expectNoEvents();
    }

    @Test
    void aGoalOnAPartnershipWithItselfIsRefused() {
        fixture.givenNoPriorActivity()
                .when(new SetPartnershipGoal(GOAL, GP, "slaMetRate", 0.9, null, null, null, null, WHY),
                        by(GP_COORDINATOR))
                .expectException(invalidField("partner", startsWith("a partnership is between two organisations")))
                .expectNoEvents();
    }

    @Test
    void aGoalNeedsAReason() {
        fixture.givenNoPriorActivity()
                .when(new SetPartnershipGoal(GOAL, DERM, "slaMetRate", 0.9, null, null, null, null, " "),
                        by(GP_COORDINATOR))
                .expectException(invalidField("reason", equalTo("say why the goal is set")))
                .expectNoEvents();
    }

    @Test
    void onlyClinicStaffSetGoals() {
        fixture.givenNoPriorActivity()
                .when(urgentTriage(), by(GP_COMPLIANCE))
                .expectException(refusal(Refusal.Kind.FORBIDDEN, startsWith("only clinicians or coordinators")))
                .expectNoEvents();
    }

    @Test
    void theOrganisationThatSetAGoalWithdrawsIt() {
        fixture.given(urgentTriageSet())
                .when(new WithdrawPartnershipGoal(GOAL, DERM, "Replaced by a stricter goal"), by(GP_COORDINATOR))
                .expectEvents(new PartnershipGoalWithdrawn(GOAL, GP, DERM, "Replaced by a stricter goal"))
                .expectResultMessagePayload(2L);
    }

    @Test
    void thePartnerSeesTheGoalButCannotWithdrawIt() {
        fixture.given(urgentTriageSet())
                .when(new WithdrawPartnershipGoal(GOAL, GP, "We disagree"), by(DERM_CLINICIAN))
                .expectException(refusal(Refusal.Kind.FORBIDDEN,
                        equalTo("only the organisation that set a goal can withdraw it")))
                .expectNoEvents();
    }

    @Test
    void anotherOrganisationsGoalIsNotFound() {
        fixture.given(urgentTriageSet())
                .when(new WithdrawPartnershipGoal(GOAL, GP, "Mine now"), by(STRANGER))
                .expectException(refusal(Refusal.Kind.NOT_FOUND, equalTo("no such goal")))
                .expectNoEvents();
    }

    @Test
    void aGoalIsWithdrawnOnce() {
        fixture.given(urgentTriageSet(), new PartnershipGoalWithdrawn(GOAL, GP, DERM, "Done"))
                .when(new WithdrawPartnershipGoal(GOAL, DERM, "Again"), by(GP_COORDINATOR))
                .expectException(refusal(Refusal.Kind.CONFLICT, equalTo("this goal is already withdrawn")))
                .expectNoEvents();
    }
}
