package dev.careloop.app;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

@CareLoopIntegrationTest
class SlaDeadlineCancellationTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void acceptingAReferralRemovesItsPendingSlaDeadlineAndNoOther() {
        var gp = DemoClinics.at(port).gp();
        var derm = DemoClinics.at(port).derm();
        String accepted = gp.post("/api/referrals", CareLoopClient.referralTo("riverside-derm", "SLA-C-1"))
                .json().get("referralId").asText();
        String untouched = gp.post("/api/referrals", CareLoopClient.referralTo("riverside-derm", "SLA-C-2"))
                .json().get("referralId").asText();
        assertThat(pendingDeadlines(accepted)).isEqualTo(1);
        assertThat(pendingDeadlines(untouched)).isEqualTo(1);

        assertThat(derm.post("/api/referrals/" + accepted + "/accept", null).status()).isEqualTo(200);

        assertThat(pendingDeadlines(accepted)).isZero();
        assertThat(pendingDeadlines(untouched)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM deadline_schedule WHERE scope LIKE ?", Long.class,
                "%" + accepted + "%")).isZero();
    }

    /** Deadlines of this referral in db-scheduler's own table (task data is JSON). */
    private long pendingDeadlines(String referralId) {
        return jdbc.queryForObject("SELECT count(*) FROM scheduled_tasks WHERE convert_from(task_data, 'UTF8') "
                + "LIKE ?", Long.class, "%" + referralId + "%");
    }
}
