package dev.careloop.query.audit;

import dev.careloop.api.PurposeOfUse;
import dev.careloop.api.appointment.AppointmentBooked;
import dev.careloop.api.appointment.AppointmentStatus;
import dev.careloop.api.appointment.Slot;
import dev.careloop.api.privacy.PatientErased;
import dev.careloop.api.record.RecordAccessDenied;
import dev.careloop.query.ReadModelDatabase;
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
    private final ReadModelDatabase.Projections projection = new ReadModelDatabase.Projections(
            new AuditProjection(jdbc, ReadModelDatabase.JSON));
    private final TestLog log = new TestLog();

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
}
