package dev.careloop.query.rebuild;

import org.axonframework.common.DateTimeUtils;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-read event timestamps: the same instant as Axon's own parse, or left to Axon. */
class IsoInstantsTest {

    @Test
    void readsWhatAxonWritesAsAxonReadsIt() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(-62_135_596_800L, 253_402_300_799L),
                    i % 3 == 0 ? 0 : random.nextInt(1_000_000_000));
            String stored = DateTimeUtils.formatInstant(instant);
            assertThat(IsoInstants.parse(stored)).as(stored).isEqualTo(DateTimeUtils.parseInstant(stored));
        }
    }

    @Test
    void readsEveryNumberOfFractionDigits() {
        assertThat(IsoInstants.parse("2026-11-23T23:30:08Z")).isEqualTo(Instant.parse("2026-11-23T23:30:08Z"));
        assertThat(IsoInstants.parse("2026-11-23T23:30:08.5Z")).isEqualTo(Instant.parse("2026-11-23T23:30:08.500Z"));
        assertThat(IsoInstants.parse("2026-11-23T23:30:08.011Z")).isEqualTo(Instant.parse("2026-11-23T23:30:08.011Z"));
        assertThat(IsoInstants.parse("2024-02-29T00:00:00.123456789Z"))
                .isEqualTo(Instant.parse("2024-02-29T00:00:00.123456789Z"));
    }

    @Test
    void leavesAnyOtherShapeToAxon() {
        for (String other : new String[]{null, "", "2026-11-23T23:30:08+01:00", "2026-11-23 23:30:08Z",
                "2026-11-23T23:30:08.Z", "2026-11-23T23:30:08.1234567890Z", "2026-02-30T00:00:00Z",
                "2026-11-23T24:00:00Z", "2026-11-23T23:60:00Z", "2026-11-23T23:30:61Z", "+12026-11-23T23:30:08Z",
                "2026-1a-23T23:30:08Z", "2026-11-23t23:30:08z"}) {
            assertThat(IsoInstants.parse(other)).as(other).isNull();
        }
    }
}
