package dev.careloop.app.security;

import dev.careloop.api.Actor;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Which roles a partner system's writes through /fhir carry, from its SMART scopes. */
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

    private static Jwt partner(String scope) {
        return Jwt.withTokenValue("t").header("alg", "none").subject("riverside-ehr")
                .audience(List.of("riverside-ehr")).claim("org", "riverside-derm").claim("roles", List.of())
                .claim("scope", scope).issuedAt(Instant.now()).build();
    }
}
