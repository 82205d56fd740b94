package dev.careloop.app.web;

import dev.careloop.api.referral.Priority;
import dev.careloop.api.referral.ReferralStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;

/** The form a field wants, in the words a client developer reads in a 400's errors. */
class ProblemsTest {

    @Test
    void anEnumListsTheValuesAsJsonSpellsThem() {
        assertThat(Problems.expected(Priority.class)).isEqualTo("must be one of routine, urgent, asap, stat");
        assertThat(Problems.expected(ReferralStatus.class)).startsWith("must be one of created, accepted, declined,")
                .endsWith("information-requested");
    }

    @Test
    void anEnumWithoutAJsonValueListsItsNames() {
        assertThat(Problems.expected(Thread.State.class)).startsWith("must be one of NEW, RUNNABLE");
    }

    @Test
    void datesAndInstantsSayTheFormWithAnExample() {
        assertThat(Problems.expected(Instant.class)).contains("ISO-8601 instant with a zone")
                .contains("2026-12-10T09:00:00Z");
        assertThat(Problems.expected(LocalDate.class)).isEqualTo("must be a date as YYYY-MM-DD, such as 1975-01-02");
    }
}
