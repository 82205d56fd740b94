package dev.careloop.fhir.facade;

import dev.careloop.api.Actor;
import dev.careloop.fhir.facade.FhirCaller.Access;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** SMART scopes per resource type and interaction, and what clinic staff may do. */
class FhirCallerTest {

    @Test
    void aSystemScopeGrantsItsTypeAndInteractionOnly() {
        FhirCaller partner = partner("system/Task.read", "system/ServiceRequest.write");

        assertThat(partner.may("Task", Access.READ)).isTrue();
        assertThat(partner.may("Task", Access.WRITE)).isFalse();
        assertThat(partner.may("ServiceRequest", Access.WRITE)).isTrue();
        assertThat(partner.may("ServiceRequest", Access.READ)).isFalse();
        assertThat(partner.may("Consent", Access.READ)).isFalse();
    }

    @Test
    void wildcardsAndSmartV2LettersAreUnderstood() {
        assertThat(partner("system/*.read").may("AuditEvent", Access.READ)).isTrue();
        assertThat(partner("system/*.read").may("Task", Access.WRITE)).isFalse();
        assertThat(partner("system/Task.*").may("Task", Access.WRITE)).isTrue();
        assertThat(partner("system/Task.rs").may("Task", Access.READ)).isTrue();
        assertThat(partner("system/Task.rs").may("Task", Access.WRITE)).isFalse();
        assertThat(partner("system/Task.cu").may("Task", Access.WRITE)).isTrue();
        assertThat(partner("user/Task.read").may("Task", Access.READ)).isFalse();
    }

    @Test
    void clinicStaffReadEverythingTheirOrganisationSeesButDoNotWriteHere() {
        FhirCaller staff = new FhirCaller(new Actor("nurse", "riverside-derm", Set.of(Actor.COORDINATOR), null, null),
                Set.of());

        assertThat(staff.may("Provenance", Access.READ)).isTrue();
        assertThat(staff.may("Task", Access.WRITE)).isFalse();
    }

    @Test
    void anAdministratorIsNoReader() {
        FhirCaller admin = new FhirCaller(new Actor("root", "careloop", Set.of(Actor.ADMIN), null, null), Set.of());

        assertThat(admin.may("Task", Access.READ)).isFalse();
    }

    private static FhirCaller partner(String... scopes) {
        return new FhirCaller(new Actor("riverside-ehr", "riverside-derm", Set.of(), "riverside-ehr", null),
                Set.of(scopes));
    }
}
