package dev.careloop.web.referral;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How the soonest-seen hint writes a time from the API's whole hours (whole days from 3 days on). */
class SoonestHintTest {

    @Test
    void hoursBelowThreeDaysWholeDaysFromThereAndNothingWithoutAFigure() {
        assertThat(NewReferralPage.duration(0)).isEqualTo("under an hour");
        assertThat(NewReferralPage.duration(1)).isEqualTo("1 hour");
        assertThat(NewReferralPage.duration(47)).isEqualTo("47 hours");
        assertThat(NewReferralPage.duration(72)).isEqualTo("3 days");
        assertThat(NewReferralPage.duration(240L)).isEqualTo("10 days");
        assertThat(NewReferralPage.duration(null)).isNull();
    }
}
