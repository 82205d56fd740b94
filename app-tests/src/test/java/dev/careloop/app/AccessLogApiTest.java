package dev.careloop.app;

import dev.careloop.app.DemoClinics.DemoPatient;
import dev.careloop.app.DemoClinics.SentReferral;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

import java.sql.Array;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static dev.careloop.app.DemoClinics.CARDIO;
import static dev.careloop.app.DemoClinics.DERM;
import static dev.careloop.app.DemoClinics.GP;
import static dev.careloop.app.SharedRecords.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every read of patient data, on REST and on /fhir, is exactly one entry of the access log, committed before the
 * answer: who, for which organisation and purpose, what (the resource, or the query and what it returned), about
 * which patient, allowed or refused. A refused read is still a 404 to the caller. Entries are found by the request
 * id the test sends, so reads by other tests never count.
 */
@CareLoopIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessLogApiTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;

    private String referral;
    private String patient;
    private String record;
    private String appointment;

    @BeforeAll
    void aReferralWithAVisitAndARecordAboutOnePatient() {
        CareLoopClient gp = DemoClinics.at(port).gp();
        CareLoopClient derm = DemoClinics.at(port).derm();
        DemoPatient who = DemoClinics.newPatient();
        SentReferral sent = DemoClinics.at(port).sendReferral(DERM, who);
        referral = sent.id();
        patient = sent.patientId();
        assertThat(derm.post("/api/referrals/" + referral + "/accept", null).status()).isEqualTo(200);
        CareLoopClient.Response scheduled = derm.post("/api/referrals/" + referral + "/schedule",
                Map.of("start", inDays(3).toString(), "end", inDays(3).plus(Duration.ofMinutes(30)).toString(),
                        "location", "Room 1"));
        assertThat(scheduled.status()).as(scheduled.body()).isEqualTo(200);
        appointment = scheduled.json().get("appointmentId").asString();
        Map<String, Object> share = share(upload(gp, uniqueDocument("Access log")), List.of(DERM), inDays(30));
        share.put("patient", who.json());
        record = shareRecord(gp, share);
        // The read models and the FHIR index follow the log: wait until the last of them has all of it.
        await(Duration.ofSeconds(15), () -> gp.get("/fhir/Consent/" + record).status() == 200
                && gp.get("/fhir/Appointment/" + appointment).status() == 200
                && gp.get("/api/appointments/" + appointment).status() == 200, "the reads to be served");
    }

    /**
     * Route, the resource type the log names, R or E, whether it names one resource, whether a stranger is refused
     * (a 404: a read of one resource, or a list by a patient the stranger takes no part in).
     */
    Stream<Arguments> reads() {
        return Stream.of(
                Arguments.of("/api/referrals/{referral}", "rest", "Referral", "R", true, true),
                Arguments.of("/api/referrals/{referral}/timeline", "rest", "ReferralTimeline", "R", true, true),
                Arguments.of("/api/referrals/{referral}/parties", "rest", "ReferralParties", "R", true, true),
                Arguments.of("/api/referrals?patient={patient}&box=outbox", "rest", "Referral", "E", false, true),
                Arguments.of("/api/patients/{patient}/summary", "rest", "PatientSummary", "R", true, true),
                Arguments.of("/api/records/{record}", "rest", "Record", "R", true, true),
                Arguments.of("/api/records/{record}/versions", "rest", "RecordVersions", "R", true, true),
                Arguments.of("/api/records/{record}/content", "rest", "RecordContent", "R", true, true),
                Arguments.of("/api/records?patient={patient}", "rest", "Record", "E", false, true),
                Arguments.of("/api/appointments/{appointment}", "rest", "Appointment", "R", true, true),
                Arguments.of("/api/appointments/{appointment}/history", "rest", "AppointmentHistory", "R", true, true),
                Arguments.of("/api/appointments?patient={patient}", "rest", "Appointment", "E", false, true),
                Arguments.of("/fhir/ServiceRequest/{referral}", "fhir", "ServiceRequest", "R", true, true),
                Arguments.of("/fhir/Task/{referral}", "fhir", "Task", "R", true, true),
                Arguments.of("/fhir/Task/{referral}/_history", "fhir", "Task", "R", true, true),
                Arguments.of("/fhir/Task?patient=Patient/{patient}", "fhir", "Task", "E", false, false),
                Arguments.of("/fhir/Appointment/{appointment}", "fhir", "Appointment", "R", true, true),
                Arguments.of("/fhir/DocumentReference/{record}", "fhir", "DocumentReference", "R", true, true),
                Arguments.of("/fhir/Consent/{record}", "fhir", "Consent", "R", true, true),
                Arguments.of("/fhir/ServiceRequest?patient=Patient/{patient}", "fhir", "ServiceRequest", "E", false, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reads")
    void aReadIsOneAllowedEntryNamingWhoWhatAndThePatient(String route, String channel, String type, String action,
                                                          boolean one, boolean strangerRefused) throws SQLException {
        String requestId = UUID.randomUUID().toString();
        CareLoopClient.Response answer = DemoClinics.at(port).gp().get(path(route),
                h -> h.set("X-Request-Id", requestId));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        Map<String, Object> entry = onlyEntryOf(requestId);
        assertThat(entry).containsEntry("organisation", GP).containsEntry("user_id", "northside-gp-staff")
                .containsEntry("purpose_of_use", "TREAT").containsEntry("channel", channel)
                .containsEntry("action", action).containsEntry("resource_type", type)
                .containsEntry("allowed", true).containsEntry("patient_id", patient);
        assertThat(((java.sql.Timestamp) entry.get("accessed_at")).toInstant())
                .isBetween(Instant.now().minusSeconds(60), Instant.now());
        List<String> returned = ids(entry.get("returned_ids"));
        if (one) {
            assertThat((String) entry.get("resource_id")).startsWith(path("{" + idName(route) + "}"));
            assertThat(entry.get("query")).isNull();
            assertThat(returned).isEmpty();
        } else {
            assertThat(entry.get("resource_id")).isNull();
            assertThat((String) entry.get("query")).contains("patient=").contains(patient);
            assertThat(returned).isNotEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reads")
    void aStrangersReadIsOneEntryRefusedOrEmptyAndStillANotFound(String route, String channel, String type,
                                                                 String action, boolean one, boolean strangerRefused)
            throws SQLException {
        String requestId = UUID.randomUUID().toString();
        CareLoopClient.Response answer = DemoClinics.at(port).cardio().get(path(route),
                h -> h.set("X-Request-Id", requestId));

        Map<String, Object> entry = onlyEntryOf(requestId);
        assertThat(entry).containsEntry("organisation", CARDIO).containsEntry("channel", channel)
                .containsEntry("resource_type", type).containsEntry("action", action);
        if (strangerRefused) {
            assertThat(answer.status()).as(answer.body()).isEqualTo(404);
            assertThat(entry).containsEntry("allowed", false);
            assertThat((String) entry.get("reason")).isNotBlank();
            assertThat(entry.get("patient_id")).as("a refusal does not tell the log whose data it was").isNull();
        } else {
            // A search shows a stranger nothing, and the log says so: allowed, with no id returned.
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(entry).containsEntry("allowed", true);
            assertThat(ids(entry.get("returned_ids"))).isEmpty();
        }
    }

    @Test
    void anOfficerFindsWhoReadTheReferralAndWhoWasRefusedInTheAuditSearch() {
        String read = UUID.randomUUID().toString();
        String refused = UUID.randomUUID().toString();
        assertThat(DemoClinics.at(port).derm().get("/api/referrals/" + referral, h -> h.set("X-Request-Id", read))
                .status()).isEqualTo(200);
        assertThat(DemoClinics.at(port).cardio().get("/fhir/Task/" + referral, h -> h.set("X-Request-Id", refused))
                .status()).isEqualTo(404);

        CareLoopClient.Response found = DemoClinics.at(port).compliance(GP)
                .get("/api/audit?type=ReadAccess&referral=" + referral + "&sort=time,desc&size=500");

        assertThat(found.status()).as(found.body()).isEqualTo(200);
        JsonNode items = found.json().get("items");
        assertThat(items).anySatisfy(entry -> {
            assertThat(entry.get("eventType").asString()).isEqualTo("ReadAccess");
            assertThat(entry.get("correlationId").asString()).isEqualTo(read);
            assertThat(entry.get("organisation").asString()).isEqualTo(DERM);
            assertThat(entry.get("patientId").asString()).isEqualTo(patient);
            assertThat(entry.get("details").get("outcome").asString()).isEqualTo("allowed");
            assertThat(entry.get("details").get("action").asString()).isEqualTo("R");
        });
        assertThat(items).anySatisfy(entry -> {
            assertThat(entry.get("correlationId").asString()).isEqualTo(refused);
            assertThat(entry.get("organisation").asString()).isEqualTo(CARDIO);
            assertThat(entry.get("details").get("outcome").asString()).isEqualTo("refused");
            assertThat(entry.get("details").get("reason").asString()).contains(CARDIO + " takes no part");
        });
    }

    @Test
    void theReadsAndEveryEventOfThePatientComeMergedWithTypeReadAccessAndStar() {
        String read = UUID.randomUUID().toString();
        assertThat(DemoClinics.at(port).derm().get("/api/referrals/" + referral, h -> h.set("X-Request-Id", read))
                .status()).isEqualTo(200);
        CareLoopClient officer = DemoClinics.at(port).compliance(GP);

        JsonNode everything = officer.get("/api/audit?type=ReadAccess,*&patient=" + patient + "&size=500").json();
        JsonNode events = officer.get("/api/audit?patient=" + patient + "&size=500").json();

        List<String> types = new java.util.ArrayList<>();
        everything.get("items").forEach(e -> types.add(e.get("eventType").asString()));
        assertThat(types).contains("ReadAccess", "ReferralSent", "ReferralAccepted", "RecordShared");
        assertThat(everything.get("items")).anySatisfy(e -> assertThat(e.get("correlationId").asString())
                .isEqualTo(read));
        assertThat(everything.get("totalItems").asLong()).as("every event, and the reads besides")
                .isGreaterThan(events.get("totalItems").asLong());
    }

    @Test
    void anOfficersOwnLookupsAreAccountedForButLeftOutOfThePatientsHistoryUntilAskedFor() {
        String read = UUID.randomUUID().toString();
        String lookup = UUID.randomUUID().toString();
        assertThat(DemoClinics.at(port).derm().get("/api/referrals/" + referral, h -> h.set("X-Request-Id", read))
                .status()).isEqualTo(200);
        CareLoopClient officer = DemoClinics.at(port).compliance(GP);
        assertThat(officer.get("/api/patients?identifier=" + patient, h -> h.set("X-Request-Id", lookup)).status())
                .isEqualTo(200);
        // Accounted for: the lookup is one entry of the access log, read for compliance oversight.
        assertThat(onlyEntryOf(lookup)).containsEntry("purpose_of_use", "HCOMPL").containsEntry("roles", "compliance")
                .containsEntry("patient_id", patient);

        JsonNode history = officer.get("/api/audit?type=ReadAccess,*&patient=" + patient + "&size=500").json();
        assertThat(history.get("oversightIncluded").asBoolean()).isFalse();
        assertThat(correlationIds(history)).contains(read).doesNotContain(lookup);
        assertThat(eventTypes(history)).doesNotContain("AuditTrailRead");

        // The lookup's AuditTrailRead follows the log: ask until it is there.
        JsonNode[] all = new JsonNode[1];
        await(Duration.ofSeconds(15), () -> {
            all[0] = officer.get("/api/audit?type=ReadAccess,*&patient=" + patient
                    + "&includeOversight=true&size=500").json();
            return eventTypes(all[0]).contains("AuditTrailRead");
        }, "the officer's reads of the trail to be listed");
        assertThat(all[0].get("oversightIncluded").asBoolean()).isTrue();
        assertThat(correlationIds(all[0])).contains(read, lookup);
        assertThat(all[0].get("items")).anySatisfy(e -> {
            assertThat(e.get("correlationId").asString()).isEqualTo(lookup);
            assertThat(e.get("details").get("oversight").asBoolean()).isTrue();
        });
        assertThat(all[0].get("items")).anySatisfy(e -> {
            assertThat(e.get("correlationId").asString()).isEqualTo(read);
            assertThat(e.get("details").get("oversight").asBoolean()).isFalse();
        });
        // The export of the history follows the same rule.
        String csv = officer.get("/api/audit/export?format=csv&type=ReadAccess&patient=" + patient).body();
        assertThat(csv).contains(read).doesNotContain(lookup);
        assertThat(officer.get("/api/audit/export?format=csv&type=ReadAccess&includeOversight=true&patient="
                + patient).body()).contains(read, lookup);
        CareLoopClient.Response wrong = officer.get("/api/audit?patient=" + patient + "&includeOversight=yes");
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.json().get("errors").get(0).get("field").asString()).isEqualTo("includeOversight");
    }

    private static List<String> correlationIds(JsonNode page) {
        List<String> ids = new java.util.ArrayList<>();
        page.get("items").forEach(e -> ids.add(e.get("correlationId").isNull() ? null
                : e.get("correlationId").asString()));
        return ids;
    }

    private static List<String> eventTypes(JsonNode page) {
        List<String> types = new java.util.ArrayList<>();
        page.get("items").forEach(e -> types.add(e.get("eventType").asString()));
        return types;
    }

    @Test
    void erasingAPatientBlanksTheSearchesThatFoundThemAndTheChainStillVerifies() {
        CareLoopClient gp = DemoClinics.at(port).gp();
        DemoPatient who = DemoClinics.newPatient();
        SentReferral sent = DemoClinics.at(port).sendReferral(DERM, who);
        String surname = who.name().split(" ")[1];
        String[] requestId = new String[1];
        // The list follows the log: search until it finds the referral, then look at that search's entry.
        await(Duration.ofSeconds(10), () -> {
            requestId[0] = UUID.randomUUID().toString();
            return gp.get("/api/referrals?box=outbox&q=" + surname, h -> h.set("X-Request-Id", requestId[0])).body()
                    .contains(sent.id());
        }, "the search to find the referral");
        assertThat(onlyEntryOf(requestId[0]).get("query")).asString().contains(surname);

        CareLoopClient.Response erased = DemoClinics.at(port).admin().post("/api/admin/patients/" + sent.patientId()
                + "/erasure", Map.of("reason", "erasure request (access log test)"));

        assertThat(erased.status()).as(erased.body()).isEqualTo(200);
        assertThat(onlyEntryOf(requestId[0]).get("query")).isEqualTo("(erased)");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM access_entry WHERE query LIKE ?", Long.class,
                "%" + surname + "%")).isZero();
        JsonNode verified = DemoClinics.at(port).compliance(GP).get("/api/audit/log/verify?full=true").json();
        assertThat(verified.get("accessLog").get("intact").asBoolean()).as(verified.toString()).isTrue();
    }

    private Map<String, Object> onlyEntryOf(String requestId) {
        List<Map<String, Object>> entries = jdbc.queryForList("SELECT * FROM access_entry WHERE request_id = ?",
                requestId);
        assertThat(entries).as("access entries of request " + requestId).hasSize(1);
        return entries.get(0);
    }

    private String path(String route) {
        return route.replace("{referral}", referral).replace("{patient}", patient).replace("{record}", record)
                .replace("{appointment}", appointment);
    }

    private static String idName(String route) {
        return Stream.of("referral", "record", "appointment", "patient").filter(n -> route.contains("{" + n + "}"))
                .findFirst().orElseThrow();
    }

    private static List<String> ids(Object array) throws SQLException {
        return Arrays.asList((String[]) ((Array) array).getArray());
    }
}
