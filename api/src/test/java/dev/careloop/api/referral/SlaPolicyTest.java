package dev.careloop.api.referral;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class SlaPolicyTest {

    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");

    @Test
    void aReferralReceivedNowIsDueAfterItsPrioritysServiceLevel() {
        SlaPolicy sla = new SlaPolicy(Duration.ofDays(10), Duration.ofDays(2), Duration.ofHours(12),
                Duration.ofHours(1), Clock.fixed(NOW, ZoneOffset.UTC));

        assertThat(sla.dueAt(Priority.ROUTINE)).isEqualTo(Instant.parse("2026-12-13T10:00:00Z"));
        assertThat(sla.dueAt(Priority.URGENT)).isEqualTo(Instant.parse("2026-12-05T10:00:00Z"));
        assertThat(sla.dueAt(Priority.ASAP)).isEqualTo(Instant.parse("2026-12-03T22:00:00Z"));
        assertThat(sla.dueAt(Priority.STAT)).isEqualTo(Instant.parse("2026-12-03T11:00:00Z"));
    }

    @Test
    void aLetterTypedInLaterKeepsTheDeadlineCountedFromItsArrival() {
        SlaPolicy sla = SlaPolicy.defaults();

        assertThat(sla.dueAt(Priority.URGENT, NOW)).isEqualTo(NOW.plus(Duration.ofDays(3)));
    }

    @Test
    void withoutSettingsRoutineIsTwoWeeksAndStatFourHours() {
        SlaPolicy sla = SlaPolicy.defaults();

        assertThat(sla.of(Priority.ROUTINE)).isEqualTo(Duration.ofDays(14));
        assertThat(sla.of(Priority.URGENT)).isEqualTo(Duration.ofDays(3));
        assertThat(sla.of(Priority.ASAP)).isEqualTo(Duration.ofDays(1));
        assertThat(sla.of(Priority.STAT)).isEqualTo(Duration.ofHours(4));
    }
}
