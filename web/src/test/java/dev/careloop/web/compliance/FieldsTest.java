package dev.careloop.web.compliance;

import dev.careloop.web.ApiProblem;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The as-of view shows whatever the API folded: nested fields by path, lists of objects numbered, in order. */
class FieldsTest {

    @Test
    void nestedObjectsAndListsOfObjectsBecomeOneRowPerValueInTheApisOrder() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("status", "accepted");
        view.put("patient", Map.of("name", "Kim Lee"));
        view.put("grants", List.of(Map.of("organisation", "riverside-derm"), Map.of("organisation", "lakeside-cardio")));
        view.put("tags", List.of("urgent", "skin"));
        view.put("note", null);

        assertThat(Fields.of(view)).containsExactly(
                new Fields.Field("status", "accepted"),
                new Fields.Field("patient.name", "Kim Lee"),
                new Fields.Field("grants[0].organisation", "riverside-derm"),
                new Fields.Field("grants[1].organisation", "lakeside-cardio"),
                new Fields.Field("tags", "urgent, skin"),
                new Fields.Field("note", "(none)"));
    }

    @Test
    void aChangedObjectIsShownAsItsNamedValues() {
        assertThat(Fields.shown(Map.of("status", "active"))).isEqualTo("status = active");
        assertThat(Fields.shown(null)).isEqualTo("(none)");
        assertThat(Fields.shown(List.of())).isEqualTo("(none)");
    }

    @Test
    void anInstantIsTakenAsTheFormSendsItInUtcOrAsALinkCarriesIt() {
        assertThat(AsOfPage.instant("2026-12-01T09:30")).isEqualTo(Instant.parse("2026-12-01T09:30:00Z"));
        assertThat(AsOfPage.instant("2026-12-01T09:30:15")).isEqualTo(Instant.parse("2026-12-01T09:30:15Z"));
        assertThat(AsOfPage.instant("2026-12-01T09:30:15.123456Z")).isEqualTo(Instant.parse("2026-12-01T09:30:15.123456Z"));
        assertThat(AsOfPage.instant("2026-12-01T10:30:00+01:00")).isEqualTo(Instant.parse("2026-12-01T09:30:00Z"));
        assertThatThrownBy(() -> AsOfPage.instant("1st December")).isInstanceOf(ApiProblem.class)
                .satisfies(e -> assertThat(((ApiProblem) e).fields()).extracting(ApiProblem.FieldError::field)
                        .containsExactly("at"));
    }
}
