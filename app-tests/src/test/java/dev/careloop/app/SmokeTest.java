package dev.careloop.app;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

@CareLoopIntegrationTest
class SmokeTest {

    @LocalServerPort
    int port;

    @Test
    void sentReferralAppearsInTheRecipientsInbox() {
        var gp = DemoClinics.at(port).gp();
        var derm = DemoClinics.at(port).derm();
        var sent = gp.post("/api/referrals", CareLoopClient.referralTo("riverside-derm", "SMOKE-1"));
        assertThat(sent.status()).isEqualTo(201);
        String id = sent.json().get("referralId").asText();
        var inbox = derm.get("/api/referrals?box=inbox");
        assertThat(inbox.status()).isEqualTo(200);
        assertThat(inbox.body()).contains(id);
    }
}
