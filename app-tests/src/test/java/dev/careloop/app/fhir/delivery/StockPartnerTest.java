package dev.careloop.app.fhir.delivery;

import dev.careloop.app.Await;
import dev.careloop.app.CareLoopClient;
import dev.careloop.app.CareLoopIntegrationTest;
import dev.careloop.app.DemoClinics;
import dev.careloop.app.fhir.StockFhirServer;
import dev.careloop.fhir.inbound.R4Validator;
import dev.careloop.fhir.mapping.R4ChangeProjector;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.careloop.app.fhir.FhirClients.CARDIO;
import static dev.careloop.app.fhir.FhirClients.DERM;
import static dev.careloop.app.fhir.FhirClients.GP;
import static dev.careloop.app.fhir.FhirClients.assertValid;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each clinic's EHR is a FHIR server with referential integrity, as a stock HAPI JPA server is: it refuses a
 * Bundle that names anything it does not hold. Whole lifecycles land there with no refusal, and what each partner
 * ends up holding is what CareLoop's {@code /fhir} serves that clinic.
 */
@CareLoopIntegrationTest
class StockPartnerTest {

    private static final List<String> EVERY_TYPE = List.of("ServiceRequest", "Task", "Communication", "Appointment",
            "DocumentReference", "Consent", "Provenance", "AuditEvent");

    @LocalServerPort
    int port;

    @Autowired
    R4Validator validator;

    private final StockFhirServer partners = new StockFhirServer();
    private final Map<String, String> registered = new LinkedHashMap<>();
    private CareLoopClient gp;
    private CareLoopClient derm;
    private CareLoopClient cardio;

    @BeforeEach
    void registerEachClinicsEhr() {
        gp = DemoClinics.at(port).gp();
        derm = DemoClinics.at(port).derm();
        cardio = DemoClinics.at(port).cardio();
        CareLoopClient admin = DemoClinics.at(port).admin();
        for (String organisation : List.of(GP, DERM, CARDIO)) {
            String id = "stock-" + organisation + "-" + UUID.randomUUID().toString().substring(0, 6);
            var answer = admin.post("/api/admin/partners", Map.of("id", id, "organisation", organisation,
                    "baseUrl", partners.base(organisation), "mode", "transaction", "resourceTypes", EVERY_TYPE));
            assertThat(answer.status()).as(answer.body()).isEqualTo(201);
            registered.put(organisation, id);
        }
    }

    @AfterEach
    void stopSending() {
        CareLoopClient admin = DemoClinics.at(port).admin();
        registered.values().forEach(id -> admin.post("/api/admin/partners/" + id + "/deactivate", null));
        partners.close();
    }

    @Test
    void aReferralWithRecordsQuestionedForwardedAndClosedLandsWhole() {
        String referral = send(DERM);
        String letter = share(gp, referral, "Referral letter");
        ok(derm.post("/api/referrals/" + referral + "/request-information", Map.of("question", "Which medications?")));
        ok(gp.post("/api/referrals/" + referral + "/provide-information", Map.of("answer", "None")));
        ok(derm.post("/api/referrals/" + referral + "/forward", Map.of("toOrganisation", CARDIO,
                "reason", "Palpitations: cardiology first")));
        ok(cardio.post("/api/referrals/" + referral + "/accept", null));
        String report = share(cardio, referral, "Consult report");
        ok(cardio.post("/api/referrals/" + referral + "/outcome", Map.of("report", "Benign; see the report",
                "recordIds", List.of(report))));
        ok(gp.post("/api/referrals/" + referral + "/acknowledge-outcome", null));

        landsWhole(List.of("ServiceRequest/" + referral, "Task/" + referral, "DocumentReference/" + letter,
                "Consent/" + letter, "DocumentReference/" + report, "Consent/" + report));
        DocumentReference pushed = (DocumentReference) partners.held(CARDIO).get("DocumentReference/" + letter);
        assertThat(pushed.getContentFirstRep().getAttachment().getUrl())
                .as("the partner fetches content from CareLoop, not from its own host")
                .startsWith("http://localhost:8080/api/records/" + letter + "/content");
    }

    @Test
    void aDeclinedReferralLandsWhole() {
        String referral = send(DERM);
        ok(derm.post("/api/referrals/" + referral + "/decline", Map.of("reason", "Not our specialty")));

        landsWhole(List.of("ServiceRequest/" + referral, "Task/" + referral));
    }

    @Test
    void aCancelledReferralLandsWhole() {
        String referral = send(DERM);
        ok(gp.post("/api/referrals/" + referral + "/request-cancellation", Map.of("reason", "Patient moved away")));
        ok(derm.post("/api/referrals/" + referral + "/confirm-cancellation", null));

        landsWhole(List.of("ServiceRequest/" + referral, "Task/" + referral));
    }

    @Test
    void anAppointmentHandedToAnotherClinicLandsWhole() {
        Instant start = Instant.now().plus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MINUTES);
        var booked = gp.post("/api/appointments", Map.of("patient", Map.of("identifierSystem",
                        "https://northside-gp.example/mrn", "identifierValue", "STOCK-" + UUID.randomUUID(),
                        "name", "Robin Patel", "birthDate", "1975-06-30"),
                "slot", Map.of("start", start.toString(), "end", start.plus(30, ChronoUnit.MINUTES).toString()),
                "location", "Room 4"));
        assertThat(booked.status()).as(booked.body()).isEqualTo(201);
        String appointment = booked.json().get("appointmentId").asString();
        ok(gp.post("/api/appointments/" + appointment + "/hand-off",
                Map.of("toOrganisation", DERM, "reason", "closer to the patient's home")));
        ok(derm.post("/api/appointments/" + appointment + "/arrived", Map.of()));

        landsWhole(List.of("Appointment/" + appointment));
        assertThat(partners.held(DERM)).containsKeys("HealthcareService/" + DERM, "HealthcareService/" + GP);
    }

    @Test
    void aRevokedRecipientsEhrHoldsTheConsentInactiveAndNothingMore() {
        String referral = send(DERM);
        String letter = share(gp, referral, "Referral letter", List.of(DERM, CARDIO));
        Await.until(Duration.ofSeconds(30), () -> partners.held(DERM).containsKey("Consent/" + letter),
                "riverside-derm's EHR holding the record's Consent");

        ok(gp.post("/api/records/" + letter + "/revoke", Map.of("organisation", DERM,
                "reason", "Shared with the wrong clinic")));
        Await.until(Duration.ofSeconds(30), () -> consentOf(DERM, letter).getStatus() == Consent.ConsentState.INACTIVE,
                "riverside-derm's copy of the Consent saying inactive");
        Consent theirs = consentOf(DERM, letter);
        assertThat(theirs.getProvision().getActor()).as("who else may still read it is not theirs to know").isEmpty();
        assertValid(validator, theirs);
        Await.until(Duration.ofSeconds(30), () -> consentOf(GP, letter).getMeta().getVersionId()
                .equals(theirs.getMeta().getVersionId()), "the author's EHR holding the revocation");
        assertThat(consentOf(GP, letter).getStatus()).as("lakeside-cardio may still read it")
                .isEqualTo(Consent.ConsentState.ACTIVE);
        assertThat(consentOf(GP, letter).getProvision().getActor()).extracting(a -> a.getReference().getReference())
                .containsExactly("Organization/" + CARDIO);

        // An amendment after the revocation reaches those still allowed, and nothing of it reaches riverside-derm.
        String sha = upload(gp, "Referral letter, corrected");
        ok(gp.post("/api/records/" + letter + "/amend", Map.of("contentSha256", sha, "reason", "Corrected dosage"),
                h -> h.set(HttpHeaders.IF_MATCH, "\"2\"")));
        Await.until(Duration.ofSeconds(30), () -> "amended".equals(((DocumentReference) partners.held(CARDIO)
                .get("DocumentReference/" + letter)).getDocStatus().toCode()), "lakeside-cardio holding the amendment");
        assertThat(((DocumentReference) partners.held(DERM).get("DocumentReference/" + letter)).getDocStatus())
                .isEqualTo(DocumentReference.ReferredDocumentStatus.FINAL);
        assertThat(consentOf(DERM, letter).getMeta().getVersionId()).isEqualTo(theirs.getMeta().getVersionId());
        assertThat(partners.refusals()).isEmpty();
    }

    @Test
    void anErasureReachesEveryEhrThatHeldThePatient() {
        String referral = send(DERM);
        String letter = share(gp, referral, "Referral letter", List.of(DERM));
        var asked = derm.post("/api/referrals/" + referral + "/request-information",
                Map.of("question", "Any allergies?"));
        assertThat(asked.status()).as(asked.body()).isEqualTo(200);
        String question = "Communication/" + referral + "-" + asked.json().get("version").asLong();
        Await.until(Duration.ofSeconds(30), () -> partners.held(DERM).containsKey("Consent/" + letter)
                && partners.held(GP).containsKey("Consent/" + letter) && partners.held(GP).containsKey(question),
                "both EHRs holding the record, the GP's the question");
        assertThat(json(partners.held(GP).get(question))).as("the question names the patient").contains("Morgan");
        String patient = ((ServiceRequest) partners.held(DERM).get("ServiceRequest/" + referral)).getSubject()
                .getReferenceElement().getIdPart();
        assertThat(json(partners.held(DERM).get("Patient/" + patient))).contains("Morgan");

        var erased = DemoClinics.at(port).admin().post("/api/admin/patients/" + patient + "/erasure",
                Map.of("reason", "right to erasure request"));
        assertThat(erased.status()).as(erased.body()).isEqualTo(200);

        for (String organisation : List.of(GP, DERM)) {
            Await.until(Duration.ofSeconds(30), () -> !json(partners.held(organisation).get("Patient/" + patient))
                    .contains("Morgan") && !json(partners.held(organisation).get("ServiceRequest/" + referral))
                    .contains("Morgan") && !json(partners.held(organisation).get("Consent/" + letter))
                    .contains("Morgan"), organisation + "'s EHR holding the patient without identity");
            Patient held = (Patient) partners.held(organisation).get("Patient/" + patient);
            assertThat(held.getName()).isEmpty();
            assertThat(held.getIdentifier()).noneMatch(i -> i.getValue().startsWith("MRN-STOCK-"));
            assertThat(json(partners.held(organisation).get("Task/" + referral))).doesNotContain("MRN-STOCK-");
        }
        // Every resource either EHR holds, each change's own (the question, Provenances, AuditEvents) included.
        Await.until(Duration.ofSeconds(30), () -> List.of(GP, DERM).stream()
                .flatMap(organisation -> partners.held(organisation).values().stream())
                .noneMatch(r -> json(r).contains("Morgan") || json(r).contains("MRN-STOCK-")),
                "no resource of either EHR naming the patient");
        assertThat(partners.held(CARDIO)).as("an EHR never told of the patient is told nothing").isEmpty();
        assertThat(partners.refusals()).isEmpty();
    }

    private Consent consentOf(String organisation, String record) {
        return (Consent) partners.held(organisation).get("Consent/" + record);
    }

    private static String json(Resource resource) {
        return resource == null ? "" : R4ChangeProjector.fhirContext().newJsonParser().encodeResourceToString(resource);
    }

    /**
     * Waits until each clinic's EHR holds what CareLoop's /fhir serves that clinic of {@code resources}, at the same
     * version; then nothing was refused, every resource every EHR holds is valid R4, and each one /fhir still serves
     * the clinic is held at the version and status it serves.
     */
    private void landsWhole(List<String> resources) {
        Await.until(Duration.ofSeconds(30), () -> partners.refusals().isEmpty() && mismatches(resources).isEmpty(),
                "every clinic's EHR holding what /fhir serves it");
        assertThat(partners.refusals()).isEmpty();
        for (String organisation : List.of(GP, DERM, CARDIO)) {
            Map<String, Resource> held = partners.held(organisation);
            if (!held.isEmpty()) {
                assertThat(held).as("what names %s came with it", organisation)
                        .containsKey("Organization/" + organisation);
                assertThat(held.keySet()).as("the patient came with what names them")
                        .anyMatch(k -> k.startsWith("Patient/"));
            }
            held.values().forEach(r -> assertValid(validator, r));
            assertThat(mismatches(organisation, new ArrayList<>(held.keySet()))).as(organisation).isEmpty();
        }
    }

    private List<String> mismatches(List<String> resources) {
        List<String> wrong = new ArrayList<>();
        for (String organisation : List.of(GP, DERM, CARDIO)) {
            wrong.addAll(mismatches(organisation, resources));
        }
        return wrong;
    }

    /** What {@code organisation}'s EHR holds differently from what /fhir serves the clinic, of {@code resources}. */
    private List<String> mismatches(String organisation, List<String> resources) {
        CareLoopClient staff = DemoClinics.at(port).staff(organisation);
        Map<String, Resource> held = partners.held(organisation);
        List<String> wrong = new ArrayList<>();
        for (String key : resources) {
            // The directory, the patient and the persons have no versions of the log: the partner numbers its own.
            if (key.startsWith("Organization/") || key.startsWith("HealthcareService/") || key.startsWith("Patient/")
                    || key.startsWith("Practitioner")) {
                continue;
            }
            var ours = staff.get("/fhir/" + key);
            if (ours.status() == 404) {
                continue;
            }
            assertThat(ours.status()).as(key + " " + ours.body()).isEqualTo(200);
            Resource served = (Resource) R4ChangeProjector.fhirContext().newJsonParser().parseResource(ours.body());
            Resource theirs = held.get(key);
            if (theirs == null) {
                wrong.add(organisation + " lacks " + key);
            } else if (!served.getMeta().getVersionId().equals(theirs.getMeta().getVersionId())
                    || !status(served).equals(status(theirs))) {
                wrong.add(organisation + " holds " + key + " v" + theirs.getMeta().getVersionId() + " "
                        + status(theirs) + ", /fhir serves v" + served.getMeta().getVersionId() + " " + status(served));
            }
        }
        return wrong;
    }

    private static String status(Resource resource) {
        var status = resource.getNamedProperty("status");
        return status == null || !status.hasValues() ? "" : status.getValues().get(0).primitiveValue();
    }

    private String send(String recipient) {
        var sent = gp.post("/api/referrals", CareLoopClient.referralTo(recipient,
                "MRN-STOCK-" + UUID.randomUUID().toString().substring(0, 8)));
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        return sent.json().get("referralId").asString();
    }

    /** Shares a document on the referral and answers the record's id. */
    private static String share(CareLoopClient author, String referral, String title) {
        return share(author, referral, title, List.of());
    }

    /** Shares a document on the referral with {@code recipients} (none: the referral's other party). */
    private static String share(CareLoopClient author, String referral, String title, List<String> recipients) {
        String sha = upload(author, title);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("referralId", referral);
        body.put("recipients", recipients);
        body.put("documentType", Map.of("code", "18842-5", "display", "Discharge summary"));
        body.put("title", title);
        body.put("contentSha256", sha);
        body.put("purpose", "TREAT");
        body.put("validUntil", Instant.now().plus(30, ChronoUnit.DAYS).toString());
        var shared = author.post("/api/records", body);
        assertThat(shared.status()).as(shared.body()).isEqualTo(201);
        return shared.json().get("recordId").asString();
    }

    /** Uploads a document's content and answers its SHA-256. */
    private static String upload(CareLoopClient author, String text) {
        byte[] bytes = (text + " " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        String sha = sha256(bytes);
        var put = author.put("/api/records/content/" + sha, bytes, "text/markdown");
        assertThat(put.status()).as(put.body()).isIn(200, 201);
        return sha;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void ok(CareLoopClient.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
    }
}
