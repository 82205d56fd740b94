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
    void aComplianceOfficerReadsTheAuditResourcesButNoClinicalOnes() {
        FhirCaller officer = new FhirCaller(new Actor("officer", "northside-gp", Set.of(Actor.COMPLIANCE), null,
                null), Set.of());

        assertThat(officer.may("Provenance", Access.READ)).isTrue();
        assertThat(officer.may("AuditEvent", Access.READ)).isTrue();
        assertThat(officer.may("DocumentReference", Access.READ)).isFalse();
        assertThat(officer.may("ServiceRequest", Access.READ)).isFalse();
    }

    @Test
    void aPartnerActingWithStaffRolesIsStillJudgedByItsScopes() {
        // The roles a partner's Task.write scope acts with on the command side do not open other types to it.
        FhirCaller partner = new FhirCaller(new Actor("riverside-ehr", "riverside-derm",
                Set.of(Actor.CLINICIAN, Actor.COORDINATOR), "riverside-ehr", null), Set.of("system/Task.write"));

        assertThat(partner.may("Task", Access.WRITE)).isTrue();
        assertThat(partner.may("Consent", Access.READ)).isFalse();
        assertThat(partner.may("Task", Access.READ)).isFalse();
    }

    @Test
    void aTypeTheFacadeDoesNotServeIsNobodysToReadOrWrite() {
        assertThat(partner("system/*.*").may("Observation", Access.READ)).isFalse();
        assertThat(partner("system/*.*").may("Consent", Access.WRITE)).isFalse();
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
