package dev.careloop.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A ReferralSent event and its metadata as CareLoop stores them (patient fields encrypted), so the raw
 * baseline writes rows of the same size and shape as the event store does.
 */
final class SampleEvent {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SampleEvent() {
    }

    static byte[] payload(String referralId) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        ObjectNode patient = JSON.createObjectNode()
                .put("patientId", UUID.randomUUID().toString())
                .put("identifierSystem", "https://northside-gp.example/mrn")
                .put("identifierValue", ciphertext("MRN-123456789".length()))
                .put("name", ciphertext("Alex Example".length()))
                .put("birthDate", ciphertext("1980-04-02".length()));
        ObjectNode event = JSON.createObjectNode()
                .put("referralId", referralId)
                .put("referralNumber", "NGP-" + random.nextInt(100_000, 1_000_000))
                .put("identifierSystem", "https://northside-gp.example/referrals")
                .put("initiatorOrganisation", "northside-gp")
                .put("recipientOrganisation", "riverside-derm")
                .set("patient", patient);
        event.put("priority", "routine")
                .put("service", "Dermatology consultation")
                .put("reason", "Changing pigmented lesion on left forearm")
                .put("note", "Photos to follow")
                .put("slaDueAt", Instant.now().plus(14, ChronoUnit.DAYS).toString())
                .putNull("basedOnReferralId")
                .put("status", "CREATED");
        return bytes(event);
    }

    static byte[] metadata() {
        ObjectNode meta = JSON.createObjectNode()
                .put("userId", "northside-gp-staff")
                .put("organisation", "northside-gp")
                .put("client", "northside-gp-staff")
                .put("purposeOfUse", "TREAT")
                .put("correlationId", UUID.randomUUID().toString())
                .put("causationId", UUID.randomUUID().toString());
        meta.putArray("roles").add("clinician");
        return bytes(meta);
    }

    /** Stands in for an encrypted patient field: a 12-byte nonce, the AES-GCM ciphertext and its 16-byte tag, base64. */
    private static String ciphertext(int plaintextBytes) {
        byte[] sealed = new byte[12 + plaintextBytes + 16];
        ThreadLocalRandom.current().nextBytes(sealed);
        return "enc:v1:" + Base64.getEncoder().encodeToString(sealed);
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
