package dev.careloop.app.ledger;

import dev.careloop.app.Await;
import dev.careloop.app.CareLoopClient;
import dev.careloop.app.CareLoopClient.Response;
import dev.careloop.app.CareLoopIntegrationTest;
import dev.careloop.app.DemoClinics;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The log's verification over HTTP, on the log the platform itself appends to (its chainer links Axon's inserts). */
@CareLoopIntegrationTest
class LedgerApiTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void eventsThePlatformAppendsAreChainedAndAComplianceOfficerVerifiesThem() {
        CareLoopClient gp = DemoClinics.at(port).gp();
        assertThat(gp.post("/api/referrals", CareLoopClient.referralTo("riverside-derm", "LEDGER-1")).status())
                .isEqualTo(201);

        long before = jdbc.queryForObject("SELECT count(*) FROM domain_event_entry", Long.class);

        Response verified = DemoClinics.at(port).client("northside-gp-compliance").get("/api/audit/log/verify?full=true");

        assertThat(verified.status()).as(verified.body()).isEqualTo(200);
        assertThat(verified.json().get("intact").asBoolean()).isTrue();
        assertThat(verified.json().get("eventsChecked").asLong()).isGreaterThanOrEqualTo(before);
        // The verification's own audit event commits after it: the chainer links it soon after, as every event.
        Await.until(Duration.ofSeconds(5), () -> jdbc.queryForObject("SELECT count(*) FROM event_chain", Long.class)
                .equals(jdbc.queryForObject("SELECT count(*) FROM domain_event_entry", Long.class)),
                "every event the platform appended is chained");
        // The verification is itself an audited read of the trail.
        assertThat(jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE payload_type = "
                + "'dev.careloop.api.audit.AuditTrailRead' AND position(convert_to('verify-log', 'UTF8') in payload) > 0",
                Long.class)).isPositive();
    }

    @Test
    void anAdministratorSignsACheckpointAndLaterVerificationsStartFromIt() {
        CareLoopClient admin = DemoClinics.at(port).admin();
        DemoClinics.at(port).gp().post("/api/referrals",
                CareLoopClient.referralTo("riverside-derm", "LEDGER-2"));

        Response signed = admin.post("/api/admin/ledger/checkpoints", null);
        Response verified = admin.get("/api/audit/log/verify");

        assertThat(signed.status()).as(signed.body()).isEqualTo(200);
        long position = signed.json().get("checkpoint").get("position").asLong();
        assertThat(verified.json().get("anchor").asString()).startsWith("the checkpoint at position ");
        assertThat(verified.json().get("fromPosition").asLong()).isGreaterThanOrEqualTo(position);
        assertThat(verified.json().get("intact").asBoolean()).isTrue();
    }

    @Test
    void anOfficerReviewsTheCheckpointHistoryNewestFirst() {
        CareLoopClient admin = DemoClinics.at(port).admin();
        DemoClinics.at(port).gp().post("/api/referrals", CareLoopClient.referralTo("riverside-derm", "LEDGER-3"));
        long signed = admin.post("/api/admin/ledger/checkpoints", null).json().get("checkpoint").get("position")
                .asLong();

        Response history = DemoClinics.at(port).client("northside-gp-compliance")
                .get("/api/audit/log/checkpoints?limit=5");

        assertThat(history.status()).as(history.body()).isEqualTo(200);
        assertThat(history.json().get(0).get("position").asLong()).isEqualTo(signed);
        assertThat(history.json().get(0).get("trustedSignature").asBoolean()).isTrue();
        assertThat(history.json().get(0).get("linkStillStored").asBoolean()).isTrue();
        assertThat(history.json().get(0).get("keyId").asString()).isNotBlank();
        assertThat(history.json().size()).isLessThanOrEqualTo(5);
        assertThat(DemoClinics.at(port).derm().get("/api/audit/log/checkpoints").status()).isEqualTo(403);
    }

    @Test
    void clinicStaffMayNotVerifyTheLog() {
        Response refused = DemoClinics.at(port).derm().get("/api/audit/log/verify");

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
    }
}
