package dev.careloop.app.infra;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PoolSizingTest {

    @Test
    void aPoolSmallerThanTheProcessorsAndPartnersNeedIsNamedWithTheSizeToSet() {
        String advice = PoolSizing.advice(20, Map.of("referrals", 2, "audit", 1, "records", 2), 10, 2).orElseThrow();

        // 5 processor threads + 10 partners x 2 segments + 4 background + 4 for requests
        assertThat(advice).startsWith("CARELOOP_DB_POOL_SIZE=20 is too small")
                .contains("Set CARELOOP_DB_POOL_SIZE to at least 33").contains("10 partner(s)");
    }

    @Test
    void aPoolThatCarriesEverythingWithRoomForRequestsIsFine() {
        assertThat(PoolSizing.advice(20, Map.of("referrals", 2, "audit", 1), 2, 2)).isEmpty();
    }
}
