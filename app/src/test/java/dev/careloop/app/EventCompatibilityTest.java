package dev.careloop.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.careloop.api.referral.InterimNoteSent;
import dev.careloop.api.referral.OutcomeSent;
import dev.careloop.api.referral.ReferralStatus;
import org.junit.jupiter.api.Test;

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
}
