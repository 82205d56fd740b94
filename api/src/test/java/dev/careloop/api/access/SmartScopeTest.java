package dev.careloop.api.access;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which token scopes grant a route's SMART system scope. */
class SmartScopeTest {

    @Test
    void aReadScopeGrantsReadingItsTypeOnly() {
        assertThat(SmartScope.read("DocumentReference").grantedBy("system/DocumentReference.read")).isTrue();
        assertThat(SmartScope.read("DocumentReference").grantedBy("system/Consent.read")).isFalse();
        assertThat(SmartScope.write("DocumentReference").grantedBy("system/DocumentReference.read")).isFalse();
    }

    @Test
    void wildcardsAndV2LettersAreUnderstoodButUserAndPatientScopesAreNot() {
        assertThat(SmartScope.read("Task").grantedBy("system/*.read")).isTrue();
        assertThat(SmartScope.write("Task").grantedBy("system/Task.*")).isTrue();
        assertThat(SmartScope.read("Task").grantedBy("system/Task.rs")).isTrue();
        assertThat(SmartScope.write("Task").grantedBy("system/Task.rs")).isFalse();
        assertThat(SmartScope.write("Task").grantedBy("system/Task.cu")).isTrue();
        assertThat(SmartScope.read("Task").grantedBy("system/Task.")).isFalse();
        assertThat(SmartScope.read("Task").grantedBy("user/Task.read")).isFalse();
        assertThat(SmartScope.read("Task").grantedBy("patient/Task.read")).isFalse();
    }

    @Test
    void aRouteJudgesASystemTokenByItsScopesAndAUserTokenByItsRoles() {
        AccessMatrix.Route content = AccessMatrix.ROUTES.stream()
                .filter(r -> r.path().equals("/api/records/{id}/content")).findFirst().orElseThrow();

        assertThat(content.allows(java.util.Set.of("clinician"), java.util.Set.of())).isTrue();
        assertThat(content.allows(java.util.Set.of("compliance"), java.util.Set.of())).isFalse();
        assertThat(content.allows(java.util.Set.of("clinician"), java.util.Set.of("system/Task.write"))).isFalse();
        assertThat(content.allows(java.util.Set.of(), java.util.Set.of("system/DocumentReference.read"))).isTrue();
    }
}
