package dev.careloop.web.referral;

import dev.careloop.api.referral.ReferralView;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class WhenTest {

    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    private final When when = new When(Clock.fixed(NOW, ZoneOffset.UTC), ZoneId.of("Europe/Oslo"));

    @Test
    void deadlinesReadAsWordsAheadAndBehind() {
        assertThat(when.due("2026-12-06T12:00:00Z")).isEqualTo("due in 3 days");
        assertThat(when.due("2026-12-03T17:00:00Z")).isEqualTo("due in 5 hours");
        assertThat(when.due("2026-12-02T11:00:00Z")).isEqualTo("1 day overdue");
    }

    @Test
    void aDeadlineWithinTwoDaysIsDueSoonButAPassedOneIsNot() {
        assertThat(when.dueSoon("2026-12-04T12:00:00Z")).isTrue();
        assertThat(when.dueSoon("2026-12-08T12:00:00Z")).isFalse();
        assertThat(when.dueSoon("2026-12-01T12:00:00Z")).isFalse();
    }

    @Test
    void timesAreShownInTheClinicsZoneAndFormTimesAreReadInIt() {
        assertThat(when.at("2026-12-03T12:00:00Z")).isEqualTo("Thu 3 Dec 2026, 13:00");
        assertThat(when.fromLocal("2026-12-10T10:30")).isEqualTo(Instant.parse("2026-12-10T09:30:00Z"));
        assertThat(when.fromLocal("not a time")).isNull();
    }

    @Test
    void statusCodesAndEventTypesReadAsWords() {
        assertThat(when.status("information-requested")).isEqualTo("Information requested");
        assertThat(when.event("dev.careloop.api.referral.InterimNoteSent")).isEqualTo("Interim note sent");
    }

    @Test
    void fieldsTheApiLeftOutComeBackAsNullsNestedRecordsIncluded() {
        Map<String, Object> view = Views.complete(Map.of("referralId", "r1",
                "patient", Map.of("name", "Alex Morgan")), ReferralView.class);
        assertThat(view).containsEntry("referralId", "r1").containsKey("assignedTo").containsKey("appointment");
        assertThat(view.get("assignedTo")).isNull();
        @SuppressWarnings("unchecked")
        Map<String, Object> patient = (Map<String, Object>) view.get("patient");
        assertThat(patient).containsEntry("name", "Alex Morgan").containsKey("birthDate");
    }
}
