package dev.careloop.app.fhir.facade;

import dev.careloop.app.CareLoopClient;
import dev.careloop.app.CareLoopClient.Response;
import dev.careloop.app.CareLoopIntegrationTest;
import dev.careloop.app.DemoClinics;
import dev.careloop.app.security.PersonLogin;
import dev.careloop.fhir.inbound.R4Validator;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Provenance;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.time.Duration;

import static dev.careloop.app.fhir.FhirClients.DERM;
import static dev.careloop.app.fhir.FhirClients.assertValid;
import static dev.careloop.app.fhir.FhirClients.await;
import static dev.careloop.app.fhir.FhirClients.hapi;
import static dev.careloop.app.fhir.FhirClients.mrn;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The persons who act resolve at {@code /fhir}: a Provenance names {@code Practitioner/{id}}; the Practitioner and
 * the PractitionerRole (the person for their organisation) are read by the organisations that share the referral,
 * and by nobody else.
 */
@CareLoopIntegrationTest
class FhirPractitionerTest {

    private static final ca.uhn.fhir.parser.IParser JSON = ca.uhn.fhir.context.FhirContext.forR4Cached()
            .newJsonParser();

    @LocalServerPort
    int port;

    @Autowired
    R4Validator validator;

    @Test
    void theProvenanceOfAPersonsStepNamesAPractitionerThatTheOtherPartyReadsAndAThirdDoesNot() {
        CareLoopClient tom = person("tom.okafor");
        CareLoopClient ben = person("ben.carter");
        Response sent = tom.post("/api/referrals", CareLoopClient.referralTo(DERM, mrn()));
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        String id = sent.json().get("referralId").asString();
        Response accepted = ben.post("/api/referrals/" + id + "/accept", null);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
        CareLoopClient northside = DemoClinics.at(port).gp();
        await(Duration.ofSeconds(10), () -> northside.get("/fhir/Practitioner/ben.carter").status() == 200,
                "the person who accepted to be known at /fhir");

        Provenance sending = JSON.parseResource(Provenance.class, northside.get("/fhir/Provenance/" + id + "-1").body());
        Practitioner tomAsRiversideSeesHim = hapi(port, "riverside-ehr").read().resource(Practitioner.class)
                .withId("tom.okafor").execute();
        Practitioner benAsNorthsideSeesHim = JSON.parseResource(Practitioner.class,
                northside.get("/fhir/Practitioner/ben.carter").body());
        Response role = northside.get("/fhir/PractitionerRole/riverside-derm.ben.carter");
        Response lakeside = DemoClinics.at(port).cardio().get("/fhir/Practitioner/ben.carter");
        Response lakesideRole = DemoClinics.at(port).cardio().get("/fhir/PractitionerRole/riverside-derm.ben.carter");

        assertThat(sending.getAgentFirstRep().getWho().getReference()).isEqualTo("Practitioner/tom.okafor");
        assertThat(tomAsRiversideSeesHim.getNameFirstRep().getText()).isEqualTo("Dr Tom Okafor");
        assertThat(tomAsRiversideSeesHim.getIdentifierFirstRep().getValue()).isEqualTo("tom.okafor");
        assertThat(benAsNorthsideSeesHim.getNameFirstRep().getText()).isEqualTo("Ben Carter");
        assertThat(role.status()).as(role.body()).isEqualTo(200);
        PractitionerRole benAtRiverside = JSON.parseResource(PractitionerRole.class, role.body());
        assertThat(benAtRiverside.getPractitioner().getReference()).isEqualTo("Practitioner/ben.carter");
        assertThat(benAtRiverside.getOrganization().getReference()).isEqualTo("Organization/" + DERM);
        assertThat(benAtRiverside.getCodeFirstRep().getText()).isEqualTo("referral coordinator at Riverside");
        assertThat(lakeside.status()).as("lakeside-cardio shares nothing with Ben").isEqualTo(404);
        assertThat(lakeside.body()).contains("OperationOutcome").doesNotContain("Ben Carter");
        assertThat(lakesideRole.status()).isEqualTo(404);
        assertValid(validator, sending);
        assertValid(validator, tomAsRiversideSeesHim);
        assertValid(validator, benAsNorthsideSeesHim);
        assertValid(validator, benAtRiverside);
    }

    @Test
    void theCapabilityStatementListsPractitionerAndPractitionerRole() {
        CapabilityStatement statement = hapi(port, "riverside-ehr").capabilities().ofType(CapabilityStatement.class)
                .execute();

        assertThat(statement.getRestFirstRep().getResource()).extracting(r -> r.getType())
                .contains("Patient", "Practitioner", "PractitionerRole");
    }

    private CareLoopClient person(String username) {
        return CareLoopClient.withToken(port, new PersonLogin(port).logIn(username).get("access_token").asString());
    }
}
