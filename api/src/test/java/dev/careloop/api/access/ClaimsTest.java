package dev.careloop.api.access;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ClaimsTest {

    @Test
    void aDottedNameIsAPathIntoNestedClaimsUnlessAClaimHasTheWholeName() {
        Map<String, Object> nested = Map.of("realm_access", Map.of("roles", List.of("clinician")));
        Map<String, Object> flat = Map.of("realm_access.roles", "coordinator");

        assertThat(Claims.names(nested, "realm_access.roles")).containsExactly("clinician");
        assertThat(Claims.names(flat, "realm_access.roles")).containsExactly("coordinator");
        assertThat(Claims.value(Map.of("realm_access", "x"), "realm_access.roles")).isNull();
    }

    @Test
    void textIsTrimmedAndBlankIsAbsent() {
        assertThat(Claims.text(Map.of("name", "  Dr Priya Shah "), "name")).isEqualTo("Dr Priya Shah");
        assertThat(Claims.text(Map.of("name", "   "), "name")).isNull();
        assertThat(Claims.text(Map.of(), "name")).isNull();
    }

    @Test
    void severalNamesComeAsAListOrOneStringSeparatedBySpacesOrCommas() {
        assertThat(Claims.names(Map.of("roles", "clinician, coordinator"), "roles"))
                .containsExactly("clinician", "coordinator");
        assertThat(Claims.names(Map.of("roles", List.of("compliance")), "roles")).containsExactly("compliance");
        assertThat(Claims.names(Map.of(), "roles")).isEmpty();
    }
}
