package dev.careloop.app.security;

import dev.careloop.api.Actor;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who acts, from a token: the roles a partner system's writes through /fhir carry (its SMART scopes), a person's name,
 * and claim names another provider uses.
 */
class JwtActorTest {

    @Test
    void aPartnerThatWritesTasksActsAsClinicianAndCoordinator() {
        Actor actor = JwtActor.acting(partner("system/Task.read system/Task.write system/ServiceRequest.write"), null);

        assertThat(actor.roles()).containsExactlyInAnyOrder(Actor.CLINICIAN, Actor.COORDINATOR);
        assertThat(actor.organisation()).isEqualTo("riverside-derm");
        assertThat(actor.client()).isEqualTo("riverside-ehr");
        assertThat(actor.userId()).isEqualTo("riverside-ehr");
    }

    @Test
    void aPartnerThatOnlySendsReferralsActsAsCoordinator() {
        assertThat(JwtActor.acting(partner("system/ServiceRequest.write"), null).roles())
                .containsExactly(Actor.COORDINATOR);
        assertThat(JwtActor.systemRoles(Set.of("system/ServiceRequest.cu"))).containsExactly(Actor.COORDINATOR);
    }

    @Test
    void readScopesCarryNoRole() {
        assertThat(JwtActor.acting(partner("system/Task.read system/*.read system/Appointment.rs"), null).roles())
                .isEmpty();
    }

    @Test
    void aWildcardWriteScopeActsForTheWholeClinic() {
        assertThat(JwtActor.systemRoles(Set.of("system/*.write"))).containsExactlyInAnyOrder(Actor.CLINICIAN,
                Actor.COORDINATOR);
    }

    @Test
    void staffKeepTheirOwnRolesAndGainNone() {
        Jwt staff = Jwt.withTokenValue("t").header("alg", "none").subject("northside-gp-staff")
                .claim("org", "northside-gp").claim("roles", List.of("coordinator"))
                .claim("client_id", "northside-gp-staff").issuedAt(Instant.now()).build();

        assertThat(JwtActor.acting(staff, null).roles()).containsExactly(Actor.COORDINATOR);
    }

    @Test
    void aPersonsTokenGivesTheirNameAndProfessionAServiceAccountsNone() {
        Jwt person = Jwt.withTokenValue("t").header("alg", "none").subject("priya.shah")
                .claim("org", "riverside-derm").claim("roles", List.of("clinician")).claim("client_id", "careloop-web")
                .claim("name", "Dr Priya Shah").claim("title", "dermatologist at Riverside")
                .issuedAt(Instant.now()).build();
        Jwt service = Jwt.withTokenValue("t").header("alg", "none").subject("riverside-derm-staff")
                .claim("org", "riverside-derm").claim("roles", List.of("clinician"))
                .claim("client_id", "riverside-derm-staff").issuedAt(Instant.now()).build();

        Actor priya = JwtActor.acting(person, null);
        assertThat(priya.userId()).isEqualTo("priya.shah");
        assertThat(priya.userName()).isEqualTo("Dr Priya Shah, dermatologist at Riverside");
        assertThat(priya.client()).isEqualTo("careloop-web");
        assertThat(JwtActor.acting(service, null).userName()).isNull();
    }

    @Test
    void anotherProvidersClaimNamesAreConfigurationAndMayBePathsIntoNestedClaims() {
        // Keycloak's own shape: realm roles nested under realm_access, the organisation in a custom claim.
        Jwt keycloak = Jwt.withTokenValue("t").header("alg", "none").subject("5f1c0b7e")
                .claim("tenant", "northside-gp").claim("realm_access", java.util.Map.of("roles",
                        List.of("compliance", "offline_access"))).claim("azp", "careloop-web")
                .claim("preferred_name", "Ana Berg").issuedAt(Instant.now()).build();
        ClaimNames names = new ClaimNames("tenant", "realm_access.roles", "preferred_name", "title");

        Actor ana = JwtActor.acting(keycloak, null, names);

        assertThat(ana.organisation()).isEqualTo("northside-gp");
        assertThat(ana.roles()).contains(Actor.COMPLIANCE);
        assertThat(ana.userName()).isEqualTo("Ana Berg");
        assertThat(ana.client()).isEqualTo("careloop-web");
        assertThat(JwtActor.acting(keycloak, null)).as("with the default claim names: no organisation").isNull();
    }

    private static Jwt partner(String scope) {
        return Jwt.withTokenValue("t").header("alg", "none").subject("riverside-ehr")
                .audience(List.of("riverside-ehr")).claim("org", "riverside-derm").claim("roles", List.of())
                .claim("scope", scope).issuedAt(Instant.now()).build();
    }
}
