package dev.careloop.app.privacy;

import dev.careloop.api.Actor;
import dev.careloop.api.Patient;
import dev.careloop.api.PatientIds;
import dev.careloop.api.appointment.AppointmentBooked;
import dev.careloop.api.appointment.AppointmentStatus;
import dev.careloop.api.appointment.Slot;
import dev.careloop.api.record.DocumentType;
import dev.careloop.api.record.RecordContent;
import dev.careloop.api.record.RecordShared;
import dev.careloop.api.referral.Priority;
import dev.careloop.api.referral.ReferralSent;
import dev.careloop.api.referral.ReferralStatus;
import dev.careloop.app.Await;
import dev.careloop.app.CareLoopClient;
import dev.careloop.app.CareLoopClient.Response;
import dev.careloop.app.CareLoopIntegrationTest;
import dev.careloop.app.ledger.Ledger;
import dev.careloop.command.web.Commands;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import dev.careloop.api.referral.RekeyReferralPatient;
import org.axonframework.commandhandling.gateway.CommandGateway;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A log written before patient ids were keyed (events appended as such a log holds them: the patient named by the
 * UUIDv3 of its identifier) is migrated by events: the views, the patient summary and FHIR name the patient by the
 * keyed id, the audit trail finds the old entries by either id, a second run appends nothing, erasing the patient
 * erases under both ids, and the log's hash chain still verifies.
 */
@CareLoopIntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class PatientRekeyingTest {

    private static final String GP = "northside-gp";
    private static final String DERM = "riverside-derm";
    private static final String MRN_SYSTEM = "https://northside-gp.example/mrn";

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EventStore eventStore;
    @Autowired
    PlatformTransactionManager transactions;
    @Autowired
    PatientIds patientIds;
    @Autowired
    Ledger ledger;
    @Autowired
    PatientRekeying rekeying;
    @Autowired
    CommandGateway commands;

    @Test
    void patientsOfAnOldLogAreRekeyedByEventsAndErasedUnderBothIds() {
        String tag = UUID.randomUUID().toString().substring(0, 6);
        String mrn = "OLD-" + tag;
        String surname = "Oldlog" + tag;
        String unkeyed = UUID.nameUUIDFromBytes((MRN_SYSTEM + "|" + mrn).getBytes(StandardCharsets.UTF_8)).toString();
        String keyed = patientIds.idFor(MRN_SYSTEM, mrn);
        Patient before = new Patient(unkeyed, MRN_SYSTEM, mrn, "Olive " + surname, LocalDate.of(1950, 5, 6));
        String referralId = UUID.randomUUID().toString();
        String recordId = UUID.randomUUID().toString();
        String appointmentId = UUID.randomUUID().toString();
        appendAsAnOldLogHoldsIt(before, referralId, recordId, appointmentId, tag);

        CareLoopClient gp = CareLoopClient.as(port, GP + "-staff");
        CareLoopClient derm = CareLoopClient.as(port, DERM + "-staff");
        CareLoopClient admin = CareLoopClient.as(port, "careloop-admin");
        CareLoopClient compliance = CareLoopClient.as(port, GP + "-compliance");
        await(() -> unkeyed.equals(patientIdOf(gp.get("/api/referrals/" + referralId)))
                        && unkeyed.equals(patientIdOf(gp.get("/api/records/" + recordId)))
                        && unkeyed.equals(patientIdOf(derm.get("/api/appointments/" + appointmentId))),
                "the old events in the views, under the unkeyed id");

        Response run = admin.post("/api/admin/patients/rekey", null);

        assertThat(run.status()).as(run.body()).isEqualTo(200);
        assertThat(run.json().get("aggregates").asInt()).isEqualTo(3);
        assertThat(run.json().get("patients").asInt()).isEqualTo(1);
        await(() -> keyed.equals(patientIdOf(gp.get("/api/referrals/" + referralId)))
                        && keyed.equals(patientIdOf(gp.get("/api/records/" + recordId)))
                        && keyed.equals(patientIdOf(derm.get("/api/appointments/" + appointmentId))),
                "the views to name the patient by the keyed id");
        Response referral = gp.get("/api/referrals/" + referralId);
        assertThat(referral.json().get("patient").get("name").asString()).isEqualTo("Olive " + surname);
        assertThat(gp.get("/api/patients/" + keyed + "/summary").body()).contains(referralId).contains(recordId);
        // FHIR names the patient by identifier; the platform id is what its patient search matches.
        await(() -> gp.get("/fhir/Task?patient=" + keyed).body().contains(referralId),
                "the FHIR Task found by the keyed patient id");
        assertThat(gp.get("/fhir/Task?patient=" + unkeyed).body()).doesNotContain(referralId);
        // The view's version is the referral's: a write with its ETag is not stale.
        Response accepted = derm.post("/api/referrals/" + referralId + "/accept", null,
                headers -> headers.set("If-Match", referral.header("ETag")));
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);

        // The trail keeps the id each event named, and finds the patient's entries by either id.
        await(() -> auditTypes(compliance, keyed).contains("PatientRekeyed"), "the re-keying in the trail");
        for (String id : List.of(keyed, unkeyed)) {
            List<String> entries = auditEntries(compliance, id);
            assertThat(entries).as("the trail searched by %s", id)
                    .contains("ReferralSent@" + unkeyed, "RecordShared@" + unkeyed, "PatientRekeyed@" + keyed);
        }

        // A second run finds nothing left to do and appends nothing.
        long rekeyedEvents = rekeyedEvents();
        Response again = admin.post("/api/admin/patients/rekey", null);
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().get("aggregates").asInt()).isZero();
        assertThat(rekeyedEvents()).isEqualTo(rekeyedEvents).isGreaterThanOrEqualTo(3);

        // Erasing the patient by the keyed id erases under the unkeyed one too: both keys, every copy.
        Response erased = admin.post("/api/admin/patients/" + keyed + "/erasure", Map.of("reason", "request " + tag));
        assertThat(erased.status()).as(erased.body()).isEqualTo(200);
        assertThat(erased.json().get("otherIds").toString()).contains(unkeyed);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM patient_key WHERE patient_id IN (?, ?) "
                + "AND key_material IS NULL AND erased_at IS NOT NULL", Long.class, keyed, unkeyed)).isEqualTo(2);
        await(() -> whereFound(surname).isEmpty() && whereFound(mrn).isEmpty(),
                "no table to hold the patient's name or MRN (" + whereFound(surname) + whereFound(mrn) + ")");
        assertThat(gp.get("/api/referrals/" + referralId).json().get("patient").get("name").asString())
                .isEqualTo(Patient.ERASED_NAME);

        assertThat(ledger.verify(null, null, true).intact()).isTrue();
    }

    @Test
    void aRunKilledHalfwayIsTakenUpByTheNextStartWhichSaysHowManyItRekeyed(CapturedOutput output) {
        String tag = UUID.randomUUID().toString().substring(0, 6);
        String mrn = "HALF-" + tag;
        String unkeyed = PatientIds.unkeyedIdFor(MRN_SYSTEM, mrn);
        String keyed = patientIds.idFor(MRN_SYSTEM, mrn);
        Patient before = new Patient(unkeyed, MRN_SYSTEM, mrn, "Hal " + tag, null);
        String first = UUID.randomUUID().toString();
        String second = UUID.randomUUID().toString();
        appendAsAnOldLogHoldsIt(before, first, UUID.randomUUID().toString(), UUID.randomUUID().toString(), tag);
        appendReferral(before, second, tag);
        // A run that died (kill -9) after its first aggregate: that one is re-keyed, the others not.
        commands.sendAndWait(commandFromThePlatform(new RekeyReferralPatient(first, unkeyed, keyed)));
        long rekeyedBefore = rekeyedEvents();

        rekeying.atStart();

        await(() -> output.getOut().contains("Patient ids: re-keyed 3 referrals, records and appointments of 1 "
                + "patients"), "the start's one line saying what it re-keyed");
        assertThat(rekeyedEvents()).isEqualTo(rekeyedBefore + 3);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ? "
                + "AND payload_type = ?", Long.class, first, "dev.careloop.api.privacy.PatientRekeyed")).isEqualTo(1);
        CareLoopClient gp = CareLoopClient.as(port, GP + "-staff");
        await(() -> keyed.equals(patientIdOf(gp.get("/api/referrals/" + second))), "the second referral re-keyed");
    }

    @Test
    void aPatientErasedByTheKeyedIdBeforeTheMigrationFoundTheOldEventsIsErasedUnderTheOldIdToo() {
        String tag = UUID.randomUUID().toString().substring(0, 6);
        String mrn = "GONE-" + tag;
        String surname = "Gone" + tag;
        CareLoopClient gp = CareLoopClient.as(port, GP + "-staff");
        CareLoopClient admin = CareLoopClient.as(port, "careloop-admin");
        Map<String, Object> body = new java.util.LinkedHashMap<>(CareLoopClient.referralTo(DERM, mrn));
        body.put("patient", Map.of("identifierSystem", MRN_SYSTEM, "identifierValue", mrn, "name", "Gail " + surname,
                "birthDate", "1944-04-04"));
        Response sent = gp.post("/api/referrals", body);
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        String keyed = sent.json().get("patient").get("patientId").asString();
        assertThat(admin.post("/api/admin/patients/" + keyed + "/erasure", Map.of("reason", "request " + tag))
                .status()).isEqualTo(200);
        // The old log still names her by the unkeyed id, readable under that id's key.
        String unkeyed = PatientIds.unkeyedIdFor(MRN_SYSTEM, mrn);
        String oldReferral = UUID.randomUUID().toString();
        appendReferral(new Patient(unkeyed, MRN_SYSTEM, mrn, "Gail " + surname, LocalDate.of(1944, 4, 4)),
                oldReferral, tag);
        await(() -> unkeyed.equals(patientIdOf(gp.get("/api/referrals/" + oldReferral))), "the old referral's view");

        Response run = admin.post("/api/admin/patients/rekey", null);

        assertThat(run.status()).as(run.body()).isEqualTo(200);
        assertThat(run.json().get("erasedUnderKeyedId").asInt()).isEqualTo(1);
        assertThat(run.json().get("aggregates").asInt()).isEqualTo(1);
        await(() -> keyed.equals(patientIdOf(gp.get("/api/referrals/" + oldReferral))),
                "the old referral under the keyed id");
        await(() -> whereFound(surname).isEmpty() && whereFound(mrn).isEmpty(),
                "no table to hold her name or MRN (" + whereFound(surname) + whereFound(mrn) + ")");
        assertThat(gp.get("/api/referrals/" + oldReferral).json().get("patient").get("name").asString())
                .isEqualTo(Patient.ERASED_NAME);
    }

    @Test
    void whileAnotherNodeRunsTheMigrationAnAdministratorIsToldToWait() throws Exception {
        try (var connection = jdbc.getDataSource().getConnection();
             var lock = connection.prepareStatement("SELECT pg_advisory_lock(hashtext('careloop-patient-rekey'))")) {
            lock.execute();
            Response refused = CareLoopClient.as(port, "careloop-admin").post("/api/admin/patients/rekey", null);
            assertThat(refused.status()).as(refused.body()).isEqualTo(409);
            assertThat(refused.body()).contains("another node");
            try (var unlock = connection.prepareStatement(
                    "SELECT pg_advisory_unlock(hashtext('careloop-patient-rekey'))")) {
                unlock.execute();
            }
        }
        assertThat(CareLoopClient.as(port, "careloop-admin").post("/api/admin/patients/rekey", null).status())
                .isEqualTo(200);
    }

    private static org.axonframework.commandhandling.CommandMessage<?> commandFromThePlatform(Object command) {
        return org.axonframework.commandhandling.GenericCommandMessage.asCommandMessage(command)
                .andMetaData(Commands.metaDataFor(PatientRekeying.PLATFORM));
    }

    private void appendReferral(Patient patient, String referralId, String tag) {
        Actor gp = new Actor(GP + "-staff", GP, Set.of(Actor.CLINICIAN), "careloop-test", null);
        ReferralSent sent = new ReferralSent(referralId, "HALF-REF-" + tag, "https://northside-gp.example/referrals",
                GP, DERM, patient, Priority.ROUTINE, "dermatology", "Rash " + tag, null,
                Instant.now().plus(7, ChronoUnit.DAYS), null, ReferralStatus.CREATED);
        new TransactionTemplate(transactions).executeWithoutResult(status -> eventStore.publish(
                new GenericDomainEventMessage<>("Referral", referralId, 0, sent, Commands.metaDataFor(gp))));
    }

    /** Events as a log written before keyed ids holds them: the patient named (and sealed) by the unkeyed id. */
    private void appendAsAnOldLogHoldsIt(Patient patient, String referralId, String recordId, String appointmentId,
                                         String tag) {
        Actor gp = new Actor(GP + "-staff", GP, Set.of(Actor.CLINICIAN), "careloop-test", null);
        Actor derm = new Actor(DERM + "-staff", DERM, Set.of(Actor.CLINICIAN), "careloop-test", null);
        Instant week = Instant.now().plus(7, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        ReferralSent sent = new ReferralSent(referralId, "OLD-REF-" + tag, "https://northside-gp.example/referrals",
                GP, DERM, patient, Priority.ROUTINE, "dermatology", "Changing mole " + tag, null, week, null,
                ReferralStatus.CREATED);
        RecordShared shared = new RecordShared(recordId, referralId, GP, patient, Set.of(DERM),
                new DocumentType("11490-0", "Discharge summary"), "Summary " + tag, null,
                new RecordContent("a".repeat(64), 10, "text/plain"), "TREAT", week.plus(30, ChronoUnit.DAYS));
        AppointmentBooked booked = new AppointmentBooked(appointmentId, null, patient, DERM, Set.of(DERM, GP),
                new Slot(week, week.plus(30, ChronoUnit.MINUTES)), "Room 1", null, AppointmentStatus.BOOKED);
        new TransactionTemplate(transactions).executeWithoutResult(status -> eventStore.publish(
                new GenericDomainEventMessage<>("Referral", referralId, 0, sent, Commands.metaDataFor(gp)),
                new GenericDomainEventMessage<>("SharedRecord", recordId, 0, shared, Commands.metaDataFor(gp)),
                new GenericDomainEventMessage<>("AppointmentHandoff", appointmentId, 0, booked,
                        Commands.metaDataFor(derm))));
    }

    private long rekeyedEvents() {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE payload_type = ?", Long.class,
                "dev.careloop.api.privacy.PatientRekeyed");
    }

    private static String patientIdOf(Response response) {
        return response.status() == 200 ? response.json().get("patient").get("patientId").asString() : null;
    }

    /** Each entry of the patient's trail as type@patientId. */
    private static List<String> auditEntries(CareLoopClient compliance, String patientId) {
        Response page = compliance.get("/api/audit?size=100&patient=" + patientId);
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        List<String> entries = new ArrayList<>();
        for (JsonNode item : page.json().get("items")) {
            entries.add(item.get("eventType").asString() + "@" + item.get("patientId").asString());
        }
        return entries;
    }

    private static String auditTypes(CareLoopClient compliance, String patientId) {
        return String.join(",", auditEntries(compliance, patientId));
    }

    /** Every column of every table that holds {@code needle}, bytes included. */
    private List<String> whereFound(String needle) {
        List<String> places = new ArrayList<>();
        for (Map<String, Object> column : jdbc.queryForList("""
                SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
                JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
                WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
                  AND c.data_type IN ('text', 'character varying', 'character', 'jsonb', 'json', 'bytea', 'ARRAY')""")) {
            String table = (String) column.get("table_name");
            String name = (String) column.get("column_name");
            String condition = "bytea".equals(column.get("data_type"))
                    ? "position(convert_to(?, 'UTF8') in \"" + name + "\") > 0"
                    : "\"" + name + "\"::text ILIKE '%' || ? || '%'";
            Long hits = jdbc.queryForObject("SELECT count(*) FROM \"" + table + "\" WHERE " + condition, Long.class,
                    needle);
            if (hits != null && hits > 0) {
                places.add(table + "." + name);
            }
        }
        return places;
    }

    private static void await(BooleanSupplier condition, String what) {
        Await.until(Duration.ofSeconds(20), condition, what);
    }
}
