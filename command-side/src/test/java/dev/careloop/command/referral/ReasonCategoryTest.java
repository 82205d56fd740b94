package dev.careloop.command.referral;

import dev.careloop.api.referral.DeclineReferral;
import dev.careloop.api.referral.ForwardReferral;
import dev.careloop.api.referral.ReferralDeclined;
import dev.careloop.api.referral.ReferralForwarded;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;

import static dev.careloop.api.referral.ReferralStatus.CREATED;
import static dev.careloop.api.referral.ReferralStatus.DECLINED;
import static dev.careloop.command.referral.ReferralTestData.*;
import static org.hamcrest.Matchers.startsWith;

/** A decline or a forward may name its reason's category from the closed list, next to the free-text reason. */
class ReasonCategoryTest {

    private final AggregateTestFixture<Referral> fixture = referralFixture();

    @Test
    void aDeclineRecordsItsReasonCategory() {
        fixture.given(referralSent())
                .when(new DeclineReferral(REFERRAL_ID, DECLINE_REASON, "capacity"), by(RIVERSIDE_CLINICIAN))
                .expectEvents(new ReferralDeclined(REFERRAL_ID, PATIENT.patientId(), DECLINE_REASON, DECLINED,
                        "capacity"));
    }

    @Test
    void aForwardRecordsItsReasonCategory() {
        fixture.given(referralSent())
                .when(new ForwardReferral(REFERRAL_ID, HILLSIDE, FORWARD_REASON, "not-our-service"),
                        by(RIVERSIDE_COORDINATOR))
                .expectEvents(new ReferralForwarded(REFERRAL_ID, PATIENT.patientId(), RIVERSIDE, HILLSIDE,
                        FORWARD_REASON, CREATED, "not-our-service"));
    }

    @Test
    void aDeclineWithoutACategoryRecordsNone() {
        fixture.given(referralSent())
                .when(new DeclineReferral(REFERRAL_ID, DECLINE_REASON), by(RIVERSIDE_CLINICIAN))
                .expectEvents(new ReferralDeclined(REFERRAL_ID, PATIENT.patientId(), DECLINE_REASON, DECLINED, null));
    }

    @Test
    void aCategoryOutsideTheListIsRefusedNamingTheFieldAndWritesNothing() {
        fixture.given(referralSent())
                .when(new DeclineReferral(REFERRAL_ID, DECLINE_REASON, "too-busy"), by(RIVERSIDE_CLINICIAN))
                .expectException(invalidField("category", startsWith("must be one of not-our-service, capacity")))
                .expectNoEvents();
    }
}
