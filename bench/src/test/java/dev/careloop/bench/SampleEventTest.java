package dev.careloop.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SampleEventTest {

    @Test
    void baselineRowsAreEventSizedJson() throws Exception {
        byte[] payload = SampleEvent.payload("3f1c1f8e-0000-4000-8000-000000000001");
        byte[] metadata = SampleEvent.metadata();

        JsonNode event = new ObjectMapper().readTree(payload);
        assertThat(event.path("referralId").asText()).isEqualTo("3f1c1f8e-0000-4000-8000-000000000001");
        assertThat(event.path("patient").path("name").asText()).startsWith("enc:v1:");
        assertThat(payload.length).isBetween(600, 900);
        assertThat(new ObjectMapper().readTree(metadata).path("organisation").asText()).isEqualTo("northside-gp");
    }
}
