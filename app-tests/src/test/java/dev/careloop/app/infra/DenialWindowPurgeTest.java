package dev.careloop.app.infra;

import dev.careloop.app.CareLoopIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@CareLoopIntegrationTest
class DenialWindowPurgeTest {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DenialWindowPurge purge;

    @Test
    void refusedReadWindowsOlderThanADayAreForgottenAndCurrentOnesKept() {
        String old = window("now() - interval '2 days'");
        String current = window("now() - interval '30 seconds'");

        assertThat(purge.purge()).isGreaterThanOrEqualTo(1);

        assertThat(count(old)).isZero();
        assertThat(count(current)).isOne();
    }

    private String window(String startedAt) {
        String key = UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", "");
        jdbc.update("INSERT INTO record_access_denial_window (window_key, organisation, actor, record_id, reason, "
                + "window_start, refused, recorded) VALUES (?, 'lakeside-cardio', 'someone', ?, 'not shared', "
                + startedAt + ", 3, TRUE)", key, UUID.randomUUID().toString());
        return key;
    }

    private int count(String key) {
        return jdbc.queryForObject("SELECT count(*) FROM record_access_denial_window WHERE window_key = ?",
                Integer.class, key);
    }
}
