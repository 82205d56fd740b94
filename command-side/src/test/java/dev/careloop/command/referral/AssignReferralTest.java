package dev.careloop.command.referral;

import dev.careloop.api.referral.AssignReferral;
import dev.careloop.api.referral.ReferralAssigned;
import dev.careloop.api.referral.ReferralStatus;
import dev.careloop.api.referral.ReferralUnassigned;
import dev.careloop.api.referral.UnassignReferral;
import dev.careloop.command.rules.Refusal;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.careloop.api.referral.ReferralStatus.*;
import static dev.careloop.command.referral.ReferralTestData.*;
import static org.hamcrest.Matchers.equalTo;

/** The receiving organisation gives a referral to one of its clinicians, hands it to another, or takes it back. */
class AssignReferralTest {

    private static final String SHAH = "priya.shah";
    private static final String SHAH_NAME = "Dr Priya Shah";
    private static final String OKAFOR = "tom.okafor";
    private static final String OKAFOR_NAME = "Dr Tom Okafor";

    private final AggregateTestFixture<Referral> fixture = referralFixture();

    @Test
    void aCoordinatorOfTheReceivingOrganisationAssignsAnUntriagedReferral() {
        fixture.given(referralSent())
                .when(new AssignReferral(REFERRAL_ID, SHAH, SHAH_NAME), by(RIVERSIDE_COORDINATOR))
                .expectEvents(new ReferralAssigned(REFERRAL_ID, SHAH, SHAH_NAME, CREATED))
                .expectResultMessagePayload(2L);
    }

    @Test
    void assigningLeavesTheStatusWhereItIs() {
        fixture.given(history(SCHEDULED))
                .when(new AssignReferral(REFERRAL_ID, SHAH, SHAH_NAME), by(RIVERSIDE_CLINICIAN))
                .expectEvents(new ReferralAssigned(REFERRAL_ID, SHAH, SHAH_NAME, SCHEDULED));
    }

    @Test
    void anAssignedReferralCanBeHandedToAnotherClinician() {
        fixture.given(referralSent(), new ReferralAssigned(REFERRAL_ID, SHAH, SHAH_NAME, CREATED))
                .when(new AssignReferral(REFERRAL_ID, OKAFOR, OKAFOR_NAME), by(RIVERSIDE_COORDINATOR))
                .expectEvents(new ReferralAssigned(REFERRAL_ID, OKAFOR, OKAFOR_NAME, CREATED));
    }

    @Test
    void assigningTheSamePersonAgainIsAConflict() {
        fixture.given(referralSent(), new ReferralAssigned(REFERRAL_ID, SHAH, SHAH_NAME, CREATED))
                .when(new AssignReferral(REFERRAL_ID, SHAH, SHAH_NAME), by(RIVERSIDE_COORDINATOR))
                .expectException(refusal(Refusal.Kind.CONFLICT,
                        equalTo("the referral is already assigned to Dr Priya Shah")))
                .expectNoEvents();
    }

    @Test
    void theReferringOrganisationCannotAssign() {
        fixture.given(referralSent())
                .when(new AssignReferral(REFERRAL_ID, "dr-north", "Dr North"), by(NORTHSIDE_STAFF))
                .expectException(refusal(Refusal.Kind.FORBIDDEN,
                        equalTo("only the receiving organisation can assign a referral to a clinician")))
                .expectNoEvents();
    }

    @Test
    void aComplianceOfficerCannotAssign() {
        fixture.given(referralSent())
                .when(new AssignReferral(REFERRAL_ID, SHAH, SHAH_NAME), by(RIVERSIDE_COMPLIANCE))
                .expectException(refusal(Refusal.Kind.FORBIDDEN,
                        equalTo("only clinicians or coordinators can assign a referral to a clinician")))
                .expectNoEvents();
    }

    @Test
    void anOrganisationOutsideTheReferralIsToldThereIsNoSuchReferral() {
        fixture.given(referralSent())
                .when(new AssignReferral(REFERRAL_ID, SHAH, SHAH_NAME), by(LAKESIDE_STAFF))
                .expectException(refusal(Refusal.Kind.NOT_FOUND, equalTo("no such referral")))
                .expectNoEvents();
    }

    @ParameterizedTest(name = "a referral that is {0} cannot be assigned")
    @EnumSource(value = ReferralStatus.class, names = {"DECLINED", "CANCELLED", "COMPLETED"})
    void aReferralWhoseWorkIsOverCannotBeAssigned(ReferralStatus over) {
        fixture.given(history(over))
                .when(new AssignReferral(REFERRAL_ID, SHAH, SHAH_NAME), by(RIVERSIDE_COORDINATOR))
                .expectException(refusal(Refusal.Kind.CONFLICT,
                        equalTo("a referral that is " + over.phrase() + " cannot be assigned")))
                .expectNoEvents();
    }

    @Test
    void aStaleVersionIsRefused() {
        fixture.given(referralSent(), accepted())
                .when(new AssignReferral(REFERRAL_ID, SHAH, SHAH_NAME), by(RIVERSIDE_COORDINATOR, 1))
                .expectException(refusal(Refusal.Kind.CONFLICT, org.hamcrest.Matchers.containsString("version")))
                .expectNoEvents();
    }

    @Test
    void theReceivingOrganisationTakesAnAssignedReferralBack() {
        fixture.given(referralSent(), new ReferralAssigned(REFERRAL_ID, SHAH, SHAH_NAME, CREATED))
                .when(new UnassignReferral(REFERRAL_ID), by(RIVERSIDE_COORDINATOR))
                .expectEvents(new ReferralUnassigned(REFERRAL_ID, SHAH, SHAH_NAME, CREATED))
                .expectResultMessagePayload(3L);
    }

    @Test
    void aReferralNobodyIsAssignedToCannotBeUnassigned() {
        fixture.given(referralSent(), new ReferralAssigned(REFERRAL_ID, SHAH, SHAH_NAME, CREATED),
                        new ReferralUnassigned(REFERRAL_ID, SHAH, SHAH_NAME, CREATED))
                .when(new UnassignReferral(REFERRAL_ID), by(RIVERSIDE_COORDINATOR))
                .expectException(refusal(Refusal.Kind.CONFLICT, equalTo("the referral is not assigned to anyone")))
                .expectNoEvents();
    }

    @Test
    void aForwardEndsTheAssignmentTheNewRecipientStartsAfresh() {
        fixture.given(referralSent(), new ReferralAssigned(REFERRAL_ID, SHAH, SHAH_NAME, CREATED),
                        forwardedToHillside(CREATED))
                .when(new UnassignReferral(REFERRAL_ID), by(HILLSIDE_CLINICIAN))
                .expectException(refusal(Refusal.Kind.CONFLICT, equalTo("the referral is not assigned to anyone")))
                .expectNoEvents();
        fixture.given(referralSent(), new ReferralAssigned(REFERRAL_ID, SHAH, SHAH_NAME, CREATED),
                        forwardedToHillside(CREATED))
                .when(new AssignReferral(REFERRAL_ID, SHAH, SHAH_NAME), by(RIVERSIDE_COORDINATOR))
                .expectException(refusal(Refusal.Kind.FORBIDDEN,
                        equalTo("only the receiving organisation can assign a referral to a clinician")))
                .expectNoEvents();
    }
}
