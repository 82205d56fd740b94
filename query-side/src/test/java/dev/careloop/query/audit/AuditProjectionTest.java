package dev.careloop.query.audit;

import dev.careloop.api.Actor;
import dev.careloop.api.PurposeOfUse;
import dev.careloop.api.audit.AuditTrailRead;
import dev.careloop.api.disclosure.DisclosedToPartner;
import dev.careloop.api.appointment.AppointmentBooked;
import dev.careloop.api.appointment.AppointmentStatus;
import dev.careloop.api.appointment.Slot;
import dev.careloop.api.privacy.PatientErased;
import dev.careloop.api.record.RecordAccessDenied;
import dev.careloop.query.ReadModelDatabase;
import dev.careloop.query.replay.Stores;
import org.axonframework.eventhandling.EventMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.careloop.query.audit.TestLog.*;
import static org.assertj.core.api.Assertions.assertThat;

/** One audit entry per event of the log, with what a compliance officer needs to find it and read it. */
class AuditProjectionTest {

    private final JdbcTemplate jdbc = ReadModelDatabase.jdbc();
    private final TrailStores stores = TrailStores.live();
    private final ReadModelDatabase.Projections projection = new ReadModelDatabase.Projections(projection(stores));
    private final TestLog log = new TestLog();

    /** The projection on the test database, writing through {@code stores}. */
    static AuditProjection projection(Stores stores) {
        return new AuditProjection(stores, ReadModelDatabase.JSON, new LogPositions(ReadModelDatabase.jdbc()),
                ReadModelDatabase.CLINICAL_TEXTS);
    }

    @BeforeEach
    void startEmpty() {
        emptyTables();
    }

    static void emptyTables() {
        ReadModelDatabase.jdbc().update("DELETE FROM audit_entry");
        ReadModelDatabase.jdbc().update("DELETE FROM audit_subject");
        ReadModelDatabase.jdbc().update("DELETE FROM audit_party");
    }

    @Test
    void everyEventOfTheLogIsOneEntryAndARedeliveryAddsNothing() {
        Histories.longReferral(log, "r1", ADA);
        Histories.sharedRecord(log, "s1", "r1", ADA);
        Histories.fulfilledAppointment(log, "a1", "r1", ADA);
        log.plain(STRANGER, "nosy", PurposeOfUse.TREATMENT,
                new RecordAccessDenied("s1", STRANGER, PurposeOfUse.TREATMENT, null, "no grant", Instant.now()));

        projection.deliver(log.all().toArray(new EventMessage<?>[0]));
        projection.deliver(log.all().toArray(new EventMessage<?>[0]));

        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_entry", Long.class)).isEqualTo(log.all().size());
        assertThat(jdbc.queryForList("SELECT global_index FROM audit_entry ORDER BY global_index", Long.class))
                .isEqualTo(java.util.stream.LongStream.rangeClosed(1, log.all().size()).boxed().toList());
    }

    @Test
    void anEntrySaysWhoDidWhatForWhichOrganisationOnWhoseBehalfWhyAndInWhichRequest() {
        Histories.longReferral(log, "r1", ADA);
        projection.deliver(log.all().toArray(new EventMessage<?>[0]));

        Map<String, Object> accepted = jdbc.queryForMap("SELECT * FROM audit_entry WHERE event_type = 'ReferralAccepted'");

        assertThat(accepted).containsEntry("aggregate_type", "referral").containsEntry("aggregate_id", "r1")
                .containsEntry("sequence_number", 4L).containsEntry("referral_id", "r1")
                .containsEntry("patient_id", ADA.patientId()).containsEntry("actor_user", "dr-lake")
                .containsEntry("actor_org", CARDIO).containsEntry("client", CARDIO + "-web")
                .containsEntry("purpose_of_use", "TREAT").containsEntry("correlation_id", "req-5")
                .containsEntry("causation_id", "cmd-5").containsEntry("actor_roles", "clinician,coordinator")
                .containsEntry("description", "lakeside-cardio accepted referral REF-r1");
    }

    @Test
    void descriptionsNameTheOrganisationsTheReferralNumberAndTheRecordTitle() {
        Histories.longReferral(log, "r1", ADA);
        Histories.sharedRecord(log, "rec-of-r1", "r1", ADA);
        projection.deliver(log.all().toArray(new EventMessage<?>[0]));

        assertThat(jdbc.queryForList("SELECT description FROM audit_entry ORDER BY global_index", String.class))
                .contains("northside-gp sent referral REF-r1 to riverside-derm",
                        "riverside-derm forwarded referral REF-r1 to lakeside-cardio",
                        "referral REF-r1 missed its triage deadline",
                        "northside-gp shared record \"Discharge summary\" with lakeside-cardio, riverside-derm",
                        "riverside-derm read version 1 of record \"Discharge summary\" for TREAT",
                        "northside-gp amended record \"Discharge summary (corrected)\" to version 2",
                        "northside-gp revoked the access of lakeside-cardio to record \"Discharge summary (corrected)\"",
                        "northside-gp acknowledged the outcome of referral REF-r1; the loop is closed");
        assertThat(jdbc.queryForList("SELECT event_type FROM audit_entry WHERE description LIKE '%?%'", String.class))
                .as("no template names a field its event lacks").isEmpty();
    }

    @Test
    void aRecordSharedWithOneMoreOrganisationIsTheAuthorsDoingNotAForwards() {
        Histories.sharedRecord(log, "s1", "r1", ADA);
        log.by(GP, "dr-north", new dev.careloop.api.record.RecordAccessGranted("s1", ADA.patientId(), STRANGER,
                null, "takes over"));
        projection.deliver(log.all().toArray(new EventMessage<?>[0]));

        assertThat(jdbc.queryForObject("SELECT description FROM audit_entry WHERE event_type = 'RecordAccessGranted'",
                String.class)).isEqualTo("northside-gp shared record \"Discharge summary (corrected)\" with "
                + STRANGER);
    }

    @Test
    void recordEventsWithoutAPatientAreFiledUnderTheRecordsPatientAndReferral() {
        Histories.sharedRecord(log, "s1", "r1", ADA);
        projection.deliver(log.all().toArray(new EventMessage<?>[0]));

        assertThat(jdbc.queryForList("SELECT DISTINCT patient_id FROM audit_entry", String.class))
                .containsExactly(ADA.patientId());
        assertThat(jdbc.queryForList("SELECT DISTINCT referral_id FROM audit_entry", String.class))
                .containsExactly("r1");
        assertThat(jdbc.queryForObject("SELECT details::text FROM audit_entry WHERE event_type = 'RecordShared'",
                String.class)).doesNotContain("Ada Lovelace").doesNotContain("MRN-ADA");
    }

    @Test
    void anAppointmentBookedWithoutAPatientIsAboutItsReferralsPatient() {
        Histories.sent(log, "r1", GRACE, GP, DERM);
        log.by(DERM, "desk-derm", new AppointmentBooked("a1", "r1", null, DERM, Set.of(GP, DERM),
                new Slot(Instant.parse("2026-05-01T08:00:00Z"), null), null, null, AppointmentStatus.BOOKED));
        projection.deliver(log.all().toArray(new EventMessage<?>[0]));

        assertThat(jdbc.queryForObject("SELECT patient_id FROM audit_entry WHERE aggregate_id = 'a1'", String.class))
                .isEqualTo(GRACE.patientId());
    }

    @Test
    void aDenialProcessedBeforeTheShareGetsThePatientWhenTheShareArrives() {
        Histories.sharedRecord(log, "s1", null, ADA);
        var denied = log.plain(STRANGER, "nosy", PurposeOfUse.TREATMENT,
                new RecordAccessDenied("s1", STRANGER, PurposeOfUse.TREATMENT, 1, "no grant", Instant.now()));
        projection.deliver(denied);
        projection.deliver(log.all().get(0));

        Map<String, Object> entry = jdbc.queryForMap("SELECT * FROM audit_entry WHERE event_type = 'RecordAccessDenied'");
        assertThat(entry).containsEntry("patient_id", ADA.patientId()).containsEntry("aggregate_id", "s1")
                .containsEntry("record_id", "s1").containsEntry("actor_org", STRANGER)
                .containsEntry("description", "elsewhere-clinic was refused record s1: no grant");
        assertThat(entry.get("sequence_number")).isNull();
        assertThat(jdbc.queryForList("SELECT organisation FROM audit_party WHERE aggregate_id = 's1' "
                + "ORDER BY organisation", String.class)).as("a stranger's attempt makes it no party")
                .isEqualTo(List.of(CARDIO, GP, DERM));
    }

    @Test
    void theOrganisationsPartyToAnAggregateIncludeThoseItWasForwardedOrHandedTo() {
        Histories.longReferral(log, "r1", ADA);
        Histories.fulfilledAppointment(log, "a1", "r1", ADA);
        projection.deliver(log.all().toArray(new EventMessage<?>[0]));

        assertThat(jdbc.queryForList("SELECT organisation FROM audit_party WHERE aggregate_id = 'r1'", String.class))
                .containsExactlyInAnyOrder(GP, DERM, CARDIO);
        assertThat(jdbc.queryForList("SELECT organisation FROM audit_party WHERE aggregate_id = 'a1'", String.class))
                .containsExactlyInAnyOrder(GP, DERM, CARDIO);
    }

    @Test
    void anErasureIsAnEntryAboutThePatientForEveryOrganisationThatWasPartyToTheirCare() {
        Histories.declinedReferral(log, "r2", GRACE);
        Histories.sent(log, "r3", ADA, CARDIO, DERM);
        log.plain("careloop", "careloop-admin", PurposeOfUse.OPERATIONS,
                new PatientErased(GRACE.patientId(), "right to erasure", 4));
        projection.deliver(log.all().toArray(new EventMessage<?>[0]));

        Map<String, Object> erased = jdbc.queryForMap("SELECT * FROM audit_entry WHERE event_type = 'PatientErased'");
        assertThat(erased).containsEntry("aggregate_type", "patient").containsEntry("patient_id", GRACE.patientId())
                .containsEntry("actor_org", "careloop").containsEntry("description", "careloop erased patient "
                        + GRACE.patientId() + "; 4 copies outside the log were replaced");
        assertThat(jdbc.queryForList("SELECT organisation FROM audit_party WHERE aggregate_id = ?", String.class,
                GRACE.patientId())).containsExactlyInAnyOrder(GP, DERM);
    }

    @Test
    void entriesWrittenBeforeTheirAggregatesPatientWasKnownGetThePatientFromTheFirstEventThatNamesThem() {
        log.plain(STRANGER, "nosy", PurposeOfUse.TREATMENT,
                new RecordAccessDenied("s1", STRANGER, PurposeOfUse.TREATMENT, 1, "no grant", Instant.now()));
        log.plain(STRANGER, "nosy", PurposeOfUse.TREATMENT,
                new RecordAccessDenied("s1", STRANGER, PurposeOfUse.TREATMENT, 1, "still no grant", Instant.now()));
        projection.deliver(log.all().toArray(new EventMessage<?>[0]));
        assertThat(jdbc.queryForList("SELECT patient_id FROM audit_entry", String.class)).containsOnlyNulls();
        assertThat(entriesWithoutPatient("s1")).isTrue();

        Histories.sharedRecord(log, "s1", null, ADA);
        projection.deliver(log.all().subList(2, log.all().size()).toArray(new EventMessage<?>[0]));

        assertThat(jdbc.queryForList("SELECT patient_id FROM audit_entry WHERE aggregate_id = 's1'", String.class))
                .hasSize(8).containsOnly(ADA.patientId());
        assertThat(stores.backfills()).as("the two entries filled in at once, when the share named the patient")
                .isEqualTo(1);
        assertThat(entriesWithoutPatient("s1")).isFalse();
        assertThat(jdbc.queryForList("SELECT description FROM audit_entry WHERE event_type = 'RecordAccessDenied'",
                String.class)).containsExactly("elsewhere-clinic was refused record s1: no grant",
                "elsewhere-clinic was refused record s1: still no grant");
    }

    @Test
    void aTrailWhoseEntriesKnowTheirPatientWhenWrittenIsNeverRewritten() {
        Histories.longReferral(log, "r1", ADA);
        Histories.sharedRecord(log, "s1", "r1", ADA);
        Histories.fulfilledAppointment(log, "a1", "r1", ADA);
        Histories.declinedReferral(log, "r2", GRACE);
        Histories.cancelledAppointment(log, "a2", GRACE);
        log.by(DERM, "desk-derm", new AppointmentBooked("a3", "r2", null, DERM, Set.of(GP, DERM),
                new Slot(Instant.parse("2026-05-01T08:00:00Z"), null), null, null, AppointmentStatus.BOOKED));
        log.plain(STRANGER, "nosy", PurposeOfUse.TREATMENT,
                new RecordAccessDenied("s1", STRANGER, PurposeOfUse.TREATMENT, null, "no grant", Instant.now()));

        projection.deliver(log.all().toArray(new EventMessage<?>[0]));

        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_entry WHERE patient_id IS NULL", Long.class))
                .isZero();
        assertThat(stores.backfills()).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_subject WHERE entries_without_patient",
                Long.class)).isZero();
    }

    @Test
    void aRedeliveredLogChangesNoRowOfTheTrail() {
        log.plain(STRANGER, "nosy", PurposeOfUse.TREATMENT,
                new RecordAccessDenied("s1", STRANGER, PurposeOfUse.TREATMENT, 1, "no grant", Instant.now()));
        everyKindOfEntry();
        projection.deliver(log.all().toArray(new EventMessage<?>[0]));
        Map<String, List<String>> once = trail();
        int backfills = stores.backfills();

        projection.deliver(log.all().toArray(new EventMessage<?>[0]));

        assertThat(trail()).isEqualTo(once);
        assertThat(once.get("audit_entry")).hasSize(log.all().size());
        assertThat(stores.backfills()).as("a redelivery fills in nothing").isEqualTo(backfills).isEqualTo(1);
    }

    @Test
    void aRebuildThatKeepsTheRowsInMemoryWritesTheSameTrailAsTheLiveProjection() {
        log.plain(STRANGER, "nosy", PurposeOfUse.TREATMENT,
                new RecordAccessDenied("s1", STRANGER, PurposeOfUse.TREATMENT, 1, "no grant", Instant.now()));
        everyKindOfEntry();
        projection.deliver(log.all().toArray(new EventMessage<?>[0]));
        Map<String, List<String>> live = trail();

        emptyTables();
        TrailStores rebuild = TrailStores.rebuilding();
        new ReadModelDatabase.Projections(projection(rebuild)).deliver(log.all().toArray(new EventMessage<?>[0]));
        rebuild.load();

        assertThat(trail()).isEqualTo(live);
        assertThat(rebuild.backfills()).isEqualTo(1);
    }

    @Test
    void anErasureIsSeenByThePartiesOfTheErasedPatientsReferralsRecordsAndAppointmentsOnly() {
        Histories.declinedReferral(log, "r2", GRACE);
        Histories.cancelledAppointment(log, "a2", GRACE);
        Histories.sent(log, "r3", ADA, "other-gp", "other-derm");
        log.plain(STRANGER, "nosy", PurposeOfUse.TREATMENT,
                new RecordAccessDenied("never-shared", STRANGER, PurposeOfUse.TREATMENT, null, "no grant", Instant.now()));
        log.plain("careloop", "careloop-admin", PurposeOfUse.OPERATIONS,
                new PatientErased(GRACE.patientId(), "right to erasure", 4));

        projection.deliver(log.all().toArray(new EventMessage<?>[0]));
        projection.deliver(log.all().toArray(new EventMessage<?>[0]));

        assertThat(jdbc.queryForList("SELECT organisation FROM audit_party WHERE aggregate_id = ?", String.class,
                GRACE.patientId())).containsExactlyInAnyOrder(GP, DERM, CARDIO);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_entry WHERE event_type = 'PatientErased'",
                Long.class)).isOne();
    }

    @Test
    void anErasureReplacesTheErasedPatientsClinicalTextInTheTrailAndNoOneElses() {
        Histories.declinedReferral(log, "r2", GRACE);
        Histories.cancelledAppointment(log, "a2", GRACE);
        Histories.sharedRecord(log, "s2", "r2", GRACE);
        Histories.declinedReferral(log, "r3", ADA);
        Histories.sharedRecord(log, "s3", "r3", ADA);
        log.plain("careloop", "careloop-admin", PurposeOfUse.OPERATIONS,
                new PatientErased(GRACE.patientId(), "right to erasure", 4));

        projection.deliver(log.all().toArray(new EventMessage<?>[0]));

        String reason = "SELECT details->>'reason' FROM audit_entry WHERE event_type = ? AND aggregate_id = ?";
        assertThat(jdbc.queryForObject(reason, String.class, "ReferralDeclined", "r2")).isEqualTo("(erased)");
        assertThat(jdbc.queryForObject(reason, String.class, "AppointmentCancelled", "a2")).isEqualTo("(erased)");
        assertThat(jdbc.queryForObject(reason, String.class, "ReferralDeclined", "r3")).isEqualTo("not our specialty");
        assertThat(jdbc.queryForObject("SELECT details->>'patientId' FROM audit_entry WHERE aggregate_id = 'r2' "
                + "AND event_type = 'ReferralDeclined'", String.class)).isEqualTo(GRACE.patientId());
        // A record's title is clinical text too: its label and the descriptions written with it read as erased.
        String descriptions = "SELECT description FROM audit_entry WHERE aggregate_id = ? AND event_type IN "
                + "('RecordShared', 'RecordAmended') ORDER BY global_index";
        assertThat(jdbc.queryForList(descriptions, String.class, "s2")).allMatch(d -> d.contains("\"(erased)\""))
                .noneMatch(d -> d.contains("Discharge"));
        assertThat(jdbc.queryForList(descriptions, String.class, "s3")).allMatch(d -> d.contains("Discharge summary"));
        String label = "SELECT label FROM audit_subject WHERE aggregate_id = ?";
        assertThat(jdbc.queryForObject(label, String.class, "s2")).isEqualTo("(erased)");
        assertThat(jdbc.queryForObject(label, String.class, "s3")).isEqualTo("Discharge summary (corrected)");
    }

    @Test
    void aDisclosureToAPartnerIsFiledUnderTheRecordOrAppointmentItDelivered() {
        Histories.sent(log, "r1", ADA, GP, DERM);
        Histories.sharedRecord(log, "s1", "r1", ADA);
        Histories.fulfilledAppointment(log, "a1", "r1", ADA);
        log.plain(DERM, null, PurposeOfUse.TREATMENT, new DisclosedToPartner("derm-ehr", DERM, "SharedRecord", "s1",
                2, "r1", ADA.patientId(), List.of("DocumentReference")));
        log.plain(DERM, null, PurposeOfUse.TREATMENT, new DisclosedToPartner("derm-ehr", DERM, "AppointmentHandoff",
                "a1", 3, "r1", ADA.patientId(), List.of("Appointment")));
        log.plain(DERM, null, PurposeOfUse.TREATMENT, new DisclosedToPartner("derm-ehr", DERM, "Referral", "r1", 1,
                "r1", ADA.patientId(), List.of("ServiceRequest", "Task")));

        projection.deliver(log.all().toArray(new EventMessage<?>[0]));

        String disclosed = "SELECT * FROM audit_entry WHERE event_type = 'DisclosedToPartner' AND aggregate_id = ?";
        assertThat(jdbc.queryForMap(disclosed, "s1")).containsEntry("aggregate_type", "record")
                .containsEntry("record_id", "s1").containsEntry("appointment_id", null)
                .containsEntry("referral_id", "r1").containsEntry("patient_id", ADA.patientId())
                .containsEntry("actor_org", DERM).containsEntry("description", "Discharge summary (corrected) "
                        + "version 2 was sent to partner EHR derm-ehr of riverside-derm (DocumentReference)");
        assertThat(jdbc.queryForMap(disclosed, "a1")).containsEntry("aggregate_type", "appointment")
                .containsEntry("appointment_id", "a1").containsEntry("record_id", null)
                .containsEntry("referral_id", "r1").containsEntry("patient_id", ADA.patientId());
        assertThat(jdbc.queryForMap(disclosed, "r1")).containsEntry("aggregate_type", "referral")
                .containsEntry("record_id", null).containsEntry("appointment_id", null)
                .containsEntry("referral_id", "r1").containsEntry("patient_id", ADA.patientId());

        ComplianceScope.Officer platform = new ComplianceScope.Officer(new Actor("officer", "careloop",
                Set.of(Actor.COMPLIANCE), "console", PurposeOfUse.COMPLIANCE), true);
        assertThat(new AuditReadModel(jdbc, ReadModelDatabase.JSON).disclosures(platform, ADA.patientId(), null, null))
                .filteredOn(d -> d.channel().equals("partner-ehr"))
                .extracting(AuditReadModel.Disclosure::recordId).containsExactly("s1", null, null);
    }

    /** A referral, its record and appointment, a disclosure to a partner, a read of the trail and an erasure. */
    private void everyKindOfEntry() {
        Histories.longReferral(log, "r1", ADA);
        Histories.sharedRecord(log, "s1", "r1", ADA);
        Histories.fulfilledAppointment(log, "a1", "r1", ADA);
        Histories.declinedReferral(log, "r2", GRACE);
        Histories.cancelledAppointment(log, "a2", GRACE);
        log.plain(DERM, null, PurposeOfUse.TREATMENT, new DisclosedToPartner("derm-ehr", DERM, "SharedRecord", "s1",
                2, "r1", ADA.patientId(), List.of("DocumentReference")));
        log.plain(GP, "audit-north", PurposeOfUse.COMPLIANCE, new AuditTrailRead("audit-north", GP, false, "search",
                Map.of("patient", GRACE.patientId(), "record", "s1"), 3, Instant.parse("2026-04-01T00:00:00Z")));
        log.plain("careloop", "careloop-admin", PurposeOfUse.OPERATIONS,
                new PatientErased(GRACE.patientId(), "right to erasure", 4));
    }

    /** Every row of the three tables, in key order. */
    private Map<String, List<String>> trail() {
        return Map.of(
                "audit_entry", rows("SELECT to_jsonb(t)::text FROM audit_entry t ORDER BY event_id"),
                "audit_subject", rows("SELECT to_jsonb(t)::text FROM audit_subject t ORDER BY aggregate_id"),
                "audit_party", rows("SELECT to_jsonb(t)::text FROM audit_party t ORDER BY aggregate_id, organisation"));
    }

    private List<String> rows(String sql) {
        return jdbc.queryForList(sql, String.class);
    }

    private boolean entriesWithoutPatient(String aggregateId) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT entries_without_patient FROM audit_subject WHERE aggregate_id = ?", Boolean.class, aggregateId));
    }
}
