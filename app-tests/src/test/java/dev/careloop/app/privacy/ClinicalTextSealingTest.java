package dev.careloop.app.privacy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.careloop.api.appointment.AppointmentCancelled;
import dev.careloop.api.appointment.AppointmentStatus;
import dev.careloop.api.referral.ReferralDeclined;
import dev.careloop.api.referral.ReferralStatus;
import dev.careloop.app.CareLoopIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clinical text as the event serializer writes and reads it: sealed under the patient's key when the event names
 * its patient, unreadable once the key is destroyed, and left as it is where no patient is named or in events
 * written before sealing existed.
 */
@CareLoopIntegrationTest
class ClinicalTextSealingTest {

    @Autowired
    @Qualifier("defaultAxonObjectMapper")
    ObjectMapper eventJson;
    @Autowired
    PatientKeys keys;

    @Test
    void clinicalTextIsSealedInTheStoredBytesAndReadsBackWhole() throws Exception {
        String patientId = UUID.randomUUID().toString();
        ReferralDeclined declined = new ReferralDeclined("ref-1", patientId, "Suspected melanoma, outside our remit",
                ReferralStatus.DECLINED);

        byte[] stored = eventJson.writeValueAsBytes(declined);

        assertThat(new String(stored, StandardCharsets.UTF_8)).doesNotContain("melanoma").contains(patientId);
        assertThat(eventJson.readTree(stored).get("reason").has("sealed")).isTrue();
        assertThat(eventJson.readValue(stored, ReferralDeclined.class)).isEqualTo(declined);
    }

    @Test
    void onceThePatientsKeyIsDestroyedTheirClinicalTextReadsAsErased() throws Exception {
        String patientId = UUID.randomUUID().toString();
        byte[] stored = eventJson.writeValueAsBytes(new ReferralDeclined("ref-2", patientId, "Biopsy: benign naevus",
                ReferralStatus.DECLINED));

        keys.destroy(patientId);

        assertThat(eventJson.readValue(stored, ReferralDeclined.class).reason()).isEqualTo("(erased)");
        byte[] writtenAfter = eventJson.writeValueAsBytes(new ReferralDeclined("ref-2", patientId, "Biopsy again",
                ReferralStatus.DECLINED));
        assertThat(new String(writtenAfter, StandardCharsets.UTF_8)).doesNotContain("Biopsy")
                .contains("\"reason\":\"(erased)\"");
    }

    @Test
    void theTextOfAnEventNamingNoPatientIsWrittenAsItIs() throws Exception {
        AppointmentCancelled cancelled = new AppointmentCancelled("apt-1", null, null, "Room flooded", false,
                AppointmentStatus.CANCELLED);

        byte[] stored = eventJson.writeValueAsBytes(cancelled);

        assertThat(new String(stored, StandardCharsets.UTF_8)).contains("\"reason\":\"Room flooded\"");
        assertThat(eventJson.readValue(stored, AppointmentCancelled.class)).isEqualTo(cancelled);
    }

    @Test
    void textWrittenBeforeItWasSealedReadsBackAsItIs() throws Exception {
        ObjectNode old = eventJson.createObjectNode().put("referralId", "ref-3").put("reason", "Wrong clinic")
                .put("status", "DECLINED");

        ReferralDeclined loaded = eventJson.treeToValue(old, ReferralDeclined.class);

        assertThat(loaded).isEqualTo(new ReferralDeclined("ref-3", null, "Wrong clinic", ReferralStatus.DECLINED));
    }
}
