package dev.careloop.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.careloop.api.Patient;
import dev.careloop.api.PatientIds;
import dev.careloop.api.privacy.PatientRekeyed;
import dev.careloop.api.referral.InterimNoteSent;
import dev.careloop.api.referral.Priority;
import dev.careloop.api.referral.ReferralSent;
import dev.careloop.api.referral.OutcomeSent;
import dev.careloop.api.referral.ReferralStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Events already in the log must still load when their records gain fields: notes and outcomes written
 * before they could name shared records read back with none. Uses the event serializer's configuration.
 */
class EventCompatibilityTest {

    private final ObjectMapper axonJson = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    @Test
    void outcomeWrittenBeforeRecordIdsExistedLoadsWithNoRecords() throws Exception {
        ObjectNode old = axonJson.valueToTree(new OutcomeSent("ref-1", "p-1", "benign", ReferralStatus.COMPLETED,
                List.of("rec-1")));
        old.remove("recordIds");

        OutcomeSent loaded = axonJson.treeToValue(old, OutcomeSent.class);

        assertThat(loaded).isEqualTo(new OutcomeSent("ref-1", "p-1", "benign", ReferralStatus.COMPLETED));
        assertThat(loaded.recordIds()).isEmpty();
    }

    @Test
    void interimNoteWithRecordIdsRoundTrips() throws Exception {
        InterimNoteSent note = new InterimNoteSent("ref-1", "p-1", "biopsy taken", ReferralStatus.INTERIM_NOTE_SENT,
                List.of("rec-1", "rec-2"));

        assertThat(axonJson.readValue(axonJson.writeValueAsString(note), InterimNoteSent.class)).isEqualTo(note);
    }

    @Test
    void patientRekeyedIsStoredAsTheTwoIdsAndNothingElse() throws Exception {
        String unkeyed = PatientIds.unkeyedIdFor("https://northside-gp.example/mrn", "NG-1");
        PatientRekeyed rekeyed = new PatientRekeyed("ref-1", unkeyed, "0b7c4a8e-1f2d-8a3b-9c4d-5e6f7a8b9c0d");

        String stored = axonJson.writeValueAsString(rekeyed);

        assertThat(stored).isEqualTo("{\"aggregateId\":\"ref-1\",\"oldPatientId\":\"" + unkeyed
                + "\",\"newPatientId\":\"0b7c4a8e-1f2d-8a3b-9c4d-5e6f7a8b9c0d\"}");
        assertThat(axonJson.readValue(stored, PatientRekeyed.class)).isEqualTo(rekeyed);
    }

    @Test
    void aReferralWrittenBeforeIdsWereKeyedStillLoadsWithItsUnkeyedId() throws Exception {
        String unkeyed = PatientIds.unkeyedIdFor("https://northside-gp.example/mrn", "NG-1");
        Patient before = new Patient(unkeyed, "https://northside-gp.example/mrn", "NG-1", "Alex Morgan",
                LocalDate.of(1970, 1, 2));
        ObjectNode old = axonJson.valueToTree(new ReferralSent("ref-1", "NGP-1", "https://northside-gp.example/ref",
                "northside-gp", "riverside-derm", before, Priority.ROUTINE, "dermatology", "mole", null,
                Instant.parse("2026-01-01T00:00:00Z"), null, ReferralStatus.CREATED));

        ReferralSent loaded = axonJson.treeToValue(old, ReferralSent.class);

        assertThat(loaded.patient()).isEqualTo(before);
        assertThat(PatientIds.looksUnkeyed(loaded.patientId())).isTrue();
        assertThat(new PatientRekeyed("ref-1", unkeyed, "new-id").applyTo(loaded.patient()).patientId())
                .isEqualTo("new-id");
    }
}
