package dev.careloop.query.analytics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which Accept headers get the partnership as CSV rather than JSON. */
class PartnershipControllerTest {

    @Test
    void csvOnlyWhenTheClientPrefersItByName() {
        assertThat(PartnershipController.wantsCsv("text/csv")).isTrue();
        assertThat(PartnershipController.wantsCsv("text/csv, */*")).isTrue();
        assertThat(PartnershipController.wantsCsv("application/json;q=0.5, text/csv")).isTrue();
        assertThat(PartnershipController.wantsCsv("*/*")).isFalse();
        assertThat(PartnershipController.wantsCsv(null)).isFalse();
        assertThat(PartnershipController.wantsCsv("application/json, text/csv")).isFalse();
        assertThat(PartnershipController.wantsCsv("not a media type")).isFalse();
    }
}
