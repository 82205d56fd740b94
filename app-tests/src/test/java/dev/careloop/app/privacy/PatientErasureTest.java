package dev.careloop.app.privacy;

import dev.careloop.app.Await;
import dev.careloop.app.CareLoopClient;
import dev.careloop.app.CareLoopClient.Response;
import dev.careloop.app.CareLoopIntegrationTest;
import dev.careloop.app.DemoClinics;
import dev.careloop.app.ledger.Ledger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static dev.careloop.app.DemoClinics.DERM;
import static dev.careloop.app.DemoClinics.GP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Erasure by crypto-shredding, end to end: after an administrator erases a patient, no table (the log
 * included, read as bytes), read model, API answer or log line holds the patient's name, birth date,
 * identifier or the clinical text written about them; another patient is untouched; and the log's hash chain
 * still verifies.
 */
@CareLoopIntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class PatientErasureTest {


    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    Ledger ledger;

    @Test
    void anErasedPatientLeavesNoTraceAndTheLogStillVerifies(CapturedOutput output) throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 6);
        String surname = "Eraseme" + tag;
        String mrn = "ERASE-" + tag;
        String birthDate = "1933-03-13";
        String otherSurname = "Keepme" + tag;
        String clinical = "Lesion" + tag;
        String otherClinical = "Murmur" + tag;
        CareLoopClient gp = DemoClinics.at(port).gp();
        CareLoopClient derm = DemoClinics.at(port).derm();
        CareLoopClient admin = DemoClinics.at(port).admin();

        String idempotencyKey = "retry-" + tag;
        JsonNode referral = send(gp, mrn, "Erin " + surname, birthDate, "Changing " + clinical, idempotencyKey);
        String referralId = referral.get("referralId").asString();
        String patientId = referral.get("patient").get("patientId").asString();
        assertThat(derm.post("/api/referrals/" + referralId + "/accept", null).status()).isEqualTo(200);
        assertThat(derm.post("/api/referrals/" + referralId + "/request-information",
                Map.of("question", "Any family history of " + clinical + "?")).status()).isEqualTo(200);
        assertThat(gp.post("/api/referrals/" + referralId + "/provide-information",
                Map.of("answer", "Mother, " + clinical + " at 52")).status()).isEqualTo(200);
        assertThat(derm.post("/api/referrals/" + referralId + "/schedule", Map.of("start",
                Instant.now().plus(Duration.ofDays(4)).toString(), "location", "Room 2")).status()).isEqualTo(200);
        byte[] document = ("# Discharge summary\n\nErin " + surname + ", born " + birthDate + ", MRN " + mrn + "\n")
                .getBytes(StandardCharsets.UTF_8);
        String sha = upload(gp, document);
        Response shared = gp.post("/api/records", Map.of("referralId", referralId, "recipients", List.of(),
                "documentType", Map.of("code", "18842-5", "display", "Discharge summary"),
                "title", "Excised " + clinical,
                "description", "After excision of the " + clinical, "contentSha256", sha, "purpose", "TREAT",
                "validUntil", Instant.now().plus(Duration.ofDays(30)).toString()));
        assertThat(shared.status()).as(shared.body()).isEqualTo(201);
        String otherReferral = send(gp, "KEEP-" + tag, "Olly " + otherSurname, "1944-04-14", "A " + otherClinical,
                null).get("referralId").asString();
        await(() -> found(surname) > 0 && found(otherSurname) > 0 && found(clinical) > 0 && found(otherClinical) > 0,
                "the read models to hold both patients");
        // Clinical text is sealed in the log, as the identity is: no event's bytes hold it.
        assertThat(whereFound(clinical)).noneMatch(place -> place.startsWith("domain_event_entry."))
                .anyMatch(place -> place.startsWith("referral_view.reason"));
        assertThat(whereFound(surname)).noneMatch(place -> place.startsWith("domain_event_entry."));

        Response erased = admin.post("/api/admin/patients/" + patientId + "/erasure",
                Map.of("reason", "right to erasure request " + tag));

        assertThat(erased.status()).as(erased.body()).isEqualTo(200);
        assertThat(erased.json().get("keyDestroyed").asBoolean()).isTrue();
        assertThat(erased.json().get("plainEvents").asLong()).isZero();
        awaitGone(surname, mrn, birthDate, clinical);
        // The other patient is untouched.
        assertThat(found(otherSurname)).isPositive();
        assertThat(found(otherClinical)).isPositive();
        assertThat(gp.get("/api/referrals/" + otherReferral).json().get("patient").get("name").asString())
                .isEqualTo("Olly " + otherSurname);
        // The referral itself remains, without the identity; the patient's documents are gone.
        JsonNode after = gp.get("/api/referrals/" + referralId).json();
        assertThat(after.get("patient").get("name").asString()).isEqualTo("(erased)");
        assertThat(after.get("patient").get("patientId").asString()).isEqualTo(patientId);
        assertThat(after.get("reason").asString()).isEqualTo("(erased)");
        // A retried send answers with the referral as it now is, not the answer kept from before.
        Response retried = gp.post("/api/referrals", sendBody(mrn, "Erin " + surname, birthDate,
                "Changing " + clinical), headers -> headers.set("Idempotency-Key", idempotencyKey));
        assertThat(retried.status()).as(retried.body()).isEqualTo(201);
        assertThat(retried.body()).contains(referralId).doesNotContain(surname).doesNotContain(clinical);
        assertThat(gp.get("/api/patients/" + patientId + "/summary").body()).doesNotContain(surname, mrn);
        // The erasure is in the log, naming the pseudonymous id only; the chain still verifies.
        assertThat(jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE payload_type = "
                + "'dev.careloop.api.privacy.PatientErased' AND position(convert_to(?, 'UTF8') in payload) > 0",
                Long.class, patientId)).isEqualTo(1);
        assertThat(ledger.verify(null, null, true).intact()).isTrue();
        // Nor do the FHIR resources, read from the log.
        Response task = gp.get("/fhir/Task/" + referralId);
        assertThat(task.status()).as(task.body()).isEqualTo(200);
        assertThat(task.body()).contains(patientId).doesNotContain(surname).doesNotContain(mrn);
        assertThat(gp.get("/fhir/ServiceRequest/" + referralId).body()).doesNotContain(surname).doesNotContain(mrn)
                .doesNotContain(clinical);
        // Nor does an export of the patient's history.
        Response exported = DemoClinics.at(port).compliance(GP).get("/api/audit/export?patient=" + patientId);
        assertThat(exported.status()).isEqualTo(200);
        assertThat(exported.body()).contains(patientId).doesNotContain(surname).doesNotContain(mrn)
                .doesNotContain(birthDate).doesNotContain(clinical);
        assertThat(output.getAll()).doesNotContain(surname).doesNotContain(mrn).doesNotContain(clinical);
    }

    @Test
    void onlyAdministratorsMayErase() {
        Response refused = DemoClinics.at(port).gp().post(
                "/api/admin/patients/" + UUID.randomUUID() + "/erasure", Map.of("reason", "because"));

        assertThat(refused.status()).isEqualTo(403);
    }

    private JsonNode send(CareLoopClient gp, String mrn, String name, String birthDate, String reason,
                          String idempotencyKey) {
        Response sent = gp.post("/api/referrals", sendBody(mrn, name, birthDate, reason), headers -> {
            if (idempotencyKey != null) {
                headers.set("Idempotency-Key", idempotencyKey);
            }
        });
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        return sent.json();
    }

    private static Map<String, Object> sendBody(String mrn, String name, String birthDate, String reason) {
        Map<String, Object> body = new LinkedHashMap<>(CareLoopClient.referralTo(DERM, mrn));
        body.put("patient", Map.of("identifierSystem", "https://northside-gp.example/mrn", "identifierValue", mrn,
                "name", name, "birthDate", birthDate));
        body.put("reason", reason);
        body.put("note", "Seen twice; " + reason);
        return body;
    }

    private static String upload(CareLoopClient client, byte[] bytes) throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        Response put = client.put("/api/records/content/" + sha, bytes, "text/markdown");
        assertThat(put.status()).as(put.body()).isIn(200, 201);
        return sha;
    }

    /** How many places in the whole database hold {@code needle}: every column of every table, bytes included. */
    private long found(String needle) {
        return whereFound(needle).size();
    }

    private List<String> whereFound(String needle) {
        List<String> places = new ArrayList<>();
        List<Map<String, Object>> columns = jdbc.queryForList("""
                SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
                JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
                WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
                  AND c.data_type IN ('text', 'character varying', 'character', 'jsonb', 'json', 'bytea', 'date',
                                      'ARRAY')""");
        for (Map<String, Object> column : columns) {
            String table = (String) column.get("table_name");
            String name = (String) column.get("column_name");
            String condition = "bytea".equals(column.get("data_type"))
                    ? "position(convert_to(?, 'UTF8') in \"" + name + "\") > 0"
                    : "\"" + name + "\"::text ILIKE '%' || ? || '%'";
            Long hits = jdbc.queryForObject("SELECT count(*) FROM \"" + table + "\" WHERE " + condition, Long.class,
                    needle);
            if (hits != null && hits > 0) {
                places.add(table + "." + name + " (" + hits + ")");
            }
        }
        return places;
    }

    /** Waits until no table holds any of {@code needles}; if some copy stays, says where. */
    private void awaitGone(String... needles) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
        while (Arrays.stream(needles).anyMatch(needle -> found(needle) > 0) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        for (String needle : needles) {
            assertThat(whereFound(needle)).as("the places still holding %s", needle).isEmpty();
        }
    }

    private static void await(BooleanSupplier condition, String what) {
        Await.until(Duration.ofSeconds(15), condition, what);
    }
}
