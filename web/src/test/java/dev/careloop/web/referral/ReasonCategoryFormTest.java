package dev.careloop.web.referral;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The decline and forward forms send the kind of reason the person chose, and nothing when they chose none. */
class ReasonCategoryFormTest {

    @Test
    void aChosenCategoryGoesToTheApiBesideTheReason() {
        Map<String, Object> body = new LinkedHashMap<>();

        ReferralPage.reasonWithCategory(body, Map.of("reason", "Full until March", "category", "capacity"));

        assertThat(body).containsExactly(Map.entry("reason", "Full until March"), Map.entry("category", "capacity"));
    }

    @Test
    void notGivenSendsNoCategoryAtAll() {
        Map<String, Object> blank = new LinkedHashMap<>();
        Map<String, Object> absent = new LinkedHashMap<>();

        ReferralPage.reasonWithCategory(blank, Map.of("reason", "Not ours", "category", " "));
        ReferralPage.reasonWithCategory(absent, Map.of("reason", "Not ours"));

        assertThat(blank).containsOnlyKeys("reason");
        assertThat(absent).containsOnlyKeys("reason");
    }
}
