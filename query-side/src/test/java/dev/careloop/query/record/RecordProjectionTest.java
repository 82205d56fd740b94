package dev.careloop.query.record;

import dev.careloop.api.Patient;
import dev.careloop.api.PurposeOfUse;
import dev.careloop.api.privacy.PatientErased;
import dev.careloop.api.record.*;
import dev.careloop.query.ReadModelDatabase;
import dev.careloop.query.audit.Histories;
import dev.careloop.query.audit.TestLog;
import org.axonframework.eventhandling.EventMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.List;
import java.util.Set;

import static dev.careloop.query.audit.TestLog.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** record_view, record_grant, record_version and record_disclosure through a record's life, on PostgreSQL. */
class RecordProjectionTest {

    private static final RecordContent V1 = new RecordContent("a".repeat(64), 1200, "application/pdf");
    private static final RecordContent V2 = new RecordContent("b".repeat(64), 1500, "application/pdf");

    private final JdbcTemplate jdbc = ReadModelDatabase.jdbc();
    private final RecordReadModel readModel = new RecordReadModel(jdbc);
    private final RecordProjection projection = new RecordProjection(ReadModelDatabase.stores());
    private final ReadModelDatabase.Projections projections = new ReadModelDatabase.Projections(projection);
    private final TestLog log = new TestLog();

    @BeforeEach
    void startEmpty() {
        // The other record tables cascade.
        jdbc.update("DELETE FROM record_view");
    }

    @Test
    void sharingCreatesTheViewAGrantPerRecipientAndTheFirstVersion() {
        projections.deliver(shared("r1", ADA));

        RecordView view = readModel.find("r1", GP).orElseThrow();
        assertThat(view.title()).isEqualTo("Discharge summary");
        assertThat(view.description()).isEqualTo("after surgery");
        assertThat(view.patient()).isEqualTo(ADA);
        assertThat(view.currentVersion()).isEqualTo(1);
        assertThat(view.content()).isEqualTo(V1);
        assertThat(view.version()).isEqualTo(1);
        assertThat(view.grants()).extracting(RecordGrant::organisation, RecordGrant::status)
                .containsExactly(tuple(CARDIO, RecordGrant.ACTIVE), tuple(DERM, RecordGrant.ACTIVE));
        assertThat(readModel.versions("r1")).extracting(RecordReadModel.Version::version,
                        RecordReadModel.Version::title, RecordReadModel.Version::reason,
                        RecordReadModel.Version::createdBy)
                .containsExactly(tuple(1, "Discharge summary", null, "dr-north"));
    }

    @Test
    void anAmendmentWithoutATitleKeepsTheTitleAndItsVersionIsTitledAsTheView() {
        projections.deliver(shared("r1", ADA),
                log.by(GP, "dr-north", new RecordAmended("r1", ADA.patientId(), 2, V2, null, "corrected", "typo")),
                log.by(GP, "dr-north", new RecordAmended("r1", ADA.patientId(), 3, V1, "Discharge summary (final)",
                        null, "final")));

        RecordView view = readModel.find("r1", GP).orElseThrow();
        assertThat(view.title()).isEqualTo("Discharge summary (final)");
        assertThat(view.description()).isEqualTo("corrected");
        assertThat(view.currentVersion()).isEqualTo(3);
        assertThat(view.content()).isEqualTo(V1);
        assertThat(view.version()).isEqualTo(3);
        assertThat(readModel.versions("r1")).extracting(RecordReadModel.Version::version,
                        RecordReadModel.Version::title, RecordReadModel.Version::reason)
                .containsExactly(tuple(1, "Discharge summary", null), tuple(2, "Discharge summary", "typo"),
                        tuple(3, "Discharge summary (final)", "final"));
    }

    @Test
    void expiryEndsTheOpenGrantsAndLeavesARevokedOneRevoked() {
        projections.deliver(shared("r1", ADA),
                log.by(GP, "dr-north", new RecordAccessRevoked("r1", ADA.patientId(), CARDIO, "consent withdrawn")),
                log.by(GP, null, new RecordAccessExpired("r1", Histories.IN_A_YEAR)));

        RecordView view = readModel.find("r1", GP).orElseThrow();
        assertThat(view.version()).isEqualTo(3);
        assertThat(view.grants()).extracting(RecordGrant::organisation, RecordGrant::status,
                        RecordGrant::revokeReason)
                .containsExactly(tuple(CARDIO, RecordGrant.REVOKED, "consent withdrawn"),
                        tuple(DERM, RecordGrant.EXPIRED, null));
        assertThat(jdbc.queryForList("SELECT organisation FROM record_grant WHERE record_id = 'r1' "
                + "AND expired_at IS NOT NULL", String.class)).containsExactly(DERM);
    }

    @Test
    void aSecondRevocationOfAGrantKeepsTheFirstOnesTimeAndReason() {
        projections.deliver(shared("r1", ADA),
                log.by(GP, "dr-north", new RecordAccessRevoked("r1", ADA.patientId(), CARDIO, "consent withdrawn")));
        RecordGrant first = grant("r1", CARDIO);

        projections.deliver(log.by(GP, "dr-north", new RecordAccessRevoked("r1", ADA.patientId(), CARDIO, "again")));

        assertThat(grant("r1", CARDIO)).isEqualTo(first);
        assertThat(first.revokeReason()).isEqualTo("consent withdrawn");
    }

    @Test
    void aDisclosureNamesThePersonWhoReadItAndAServiceAccountsReadNamesNoOne() {
        projections.deliver(shared("r1", ADA),
                log.by(DERM, "priya.shah", new RecordDisclosed("r1", DERM, PurposeOfUse.TREATMENT, 1, V1.sha256(),
                        V1.size(), log.now())).andMetaData(java.util.Map.of(
                        dev.careloop.api.MetadataKeys.USER_NAME, "Dr Priya Shah")),
                log.by(DERM, "riverside-derm-staff", new RecordDisclosed("r1", DERM, PurposeOfUse.TREATMENT, 1,
                        V1.sha256(), V1.size(), log.now())));

        assertThat(readModel.disclosures("r1")).extracting(RecordReadModel.DisclosureEntry::user,
                        RecordReadModel.DisclosureEntry::userName)
                .containsExactly(tuple("priya.shah", "Dr Priya Shah"), tuple("riverside-derm-staff", null));
    }

    @Test
    void redeliveringARecordsEventsChangesNothing() {
        Histories.sharedRecord(log, "r1", "ref-1", ADA);
        EventMessage<?>[] history = log.all().toArray(EventMessage[]::new);
        projections.deliver(history);
        String before = tables();

        projections.deliver(history);
        projections.deliver(history[2], history[4], history[0]);

        assertThat(tables()).isEqualTo(before);
        assertThat(readModel.find("r1", GP).orElseThrow().version()).isEqualTo(4);
        assertThat(readModel.versions("r1")).hasSize(2);
        assertThat(readModel.disclosures("r1")).hasSize(2);
    }

    @Test
    void erasureScrubsThePatientAndTheirClinicalTextFromTheRecordTablesOnceAndLeavesOtherPatientsAlone() {
        projections.deliver(shared("r1", ADA), shared("r2", GRACE),
                log.by(GP, "dr-north", new RecordAmended("r1", ADA.patientId(), 2, V2, null, "corrected", "dose typo")),
                log.by(GP, "dr-north", new RecordAccessRevoked("r1", ADA.patientId(), CARDIO, "patient asked")),
                log.by(GP, "dr-north", new RecordAccessRevoked("r2", GRACE.patientId(), CARDIO, "patient asked")));

        assertThat(projection.scrub(ADA.patientId())).as("the view, the revoked grant and both versions")
                .isEqualTo(4);
        assertThat(projection.scrub(ADA.patientId())).as("already erased").isZero();

        RecordView erased = readModel.find("r1", GP).orElseThrow();
        assertThat(erased.patient()).isEqualTo(Patient.erased(ADA.patientId()));
        assertThat(erased.title()).isEqualTo("(erased)");
        assertThat(erased.description()).isEqualTo("(erased)");
        assertThat(erased.version()).as("an erasure is no revision of the record").isEqualTo(3);
        assertThat(readModel.versions("r1")).extracting(RecordReadModel.Version::title, RecordReadModel.Version::reason)
                .containsExactly(tuple("(erased)", null), tuple("(erased)", "(erased)"));
        assertThat(grant("r1", CARDIO).revokeReason()).isEqualTo("(erased)");
        RecordView kept = readModel.find("r2", GP).orElseThrow();
        assertThat(kept.patient()).isEqualTo(GRACE);
        assertThat(kept.title()).isEqualTo("Discharge summary");
        assertThat(kept.description()).isEqualTo("after surgery");
        assertThat(grant("r2", CARDIO).revokeReason()).isEqualTo("patient asked");
    }

    @Test
    void aPatientErasedEventScrubsTheRecordView() {
        projections.deliver(shared("r1", ADA),
                log.plain(GP, "admin", PurposeOfUse.TREATMENT, new PatientErased(ADA.patientId(), "request", 3)));

        assertThat(readModel.find("r1", GP).orElseThrow().patient()).isEqualTo(Patient.erased(ADA.patientId()));
    }

    @Test
    void aResetEmptiesEveryRecordTableForARebuild() {
        Histories.sharedRecord(log, "r1", "ref-1", ADA);
        projections.deliver(log.all().toArray(EventMessage[]::new));

        projections.reset();

        assertThat(tables()).isEqualTo("[][][][]");
    }

    /** northside-gp shares {@code id} with riverside-derm and lakeside-cardio. */
    private EventMessage<?> shared(String id, Patient patient) {
        return log.by(GP, "dr-north", new RecordShared(id, null, GP, patient, Set.of(DERM, CARDIO),
                new DocumentType("18842-5", "Discharge summary"), "Discharge summary", "after surgery", V1,
                PurposeOfUse.TREATMENT, Histories.IN_A_YEAR));
    }

    private RecordGrant grant(String recordId, String organisation) {
        return readModel.find(recordId, GP).orElseThrow().grants().stream()
                .filter(g -> g.organisation().equals(organisation)).findFirst().orElseThrow();
    }

    /** Every row of the four tables as JSON text, so two reads compare column by column. */
    private String tables() {
        StringBuilder all = new StringBuilder();
        for (String table : List.of("record_view", "record_grant", "record_version", "record_disclosure")) {
            all.append(jdbc.queryForObject("SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY to_jsonb(t)::text), "
                    + "'[]')::text FROM " + table + " t", String.class));
        }
        return all.toString();
    }
}
