package dev.careloop.app;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static dev.careloop.app.SharedRecords.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Refused reads cannot flood the log: a stranger's repeated attempts on one record are one RecordAccessDenied and a
 * count, and an organisation's denials per minute are capped; the caller is told 404 every time.
 */
@CareLoopIntegrationTest
class RefusedReadsTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;

    /** The cap is per organisation and minute: start from an empty minute, and leave one to the other tests. */
    @BeforeEach
    @AfterEach
    void anEmptyMinuteForCardio() {
        jdbc.update("DELETE FROM record_access_denial_cap WHERE organisation = ?", CARDIO);
    }

    @Test
    void fiftyRefusedDownloadsOfOneRecordAreOneDenialAndACount() {
        CareLoopClient gp = DemoClinics.at(port).gp();
        CareLoopClient cardio = DemoClinics.at(port).cardio();
        String id = shareRecord(gp, share(upload(gp, uniqueDocument("Cytology")), List.of(DERM), inDays(30)));

        for (int i = 0; i < 50; i++) {
            assertThat(cardio.download("/api/records/" + id + "/content", h -> { }).getStatusCode().value())
                    .isEqualTo(404);
        }

        assertThat(events(jdbc, "RecordAccessDenied", id)).singleElement().satisfies(denied -> {
            assertThat(denied.payloadText("organisation")).isEqualTo(CARDIO);
            assertThat(denied.payloadText("reason")).isEqualTo("the record was not shared with " + CARDIO);
        });
        assertThat(jdbc.queryForObject("SELECT refused FROM record_access_denial_window WHERE record_id = ?",
                Long.class, id)).isEqualTo(50);
    }

    @Test
    void anOrganisationAppendsAtMostSixtyDenialsAMinuteAndCountsTheRest() {
        CareLoopClient cardio = DemoClinics.at(port).cardio();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            assertThat(cardio.download("/api/records/" + id + "/content", h -> { }).getStatusCode().value())
                    .isEqualTo(404);
        }

        List<String> recorded = ids.stream().filter(id -> !events(jdbc, "RecordAccessDenied", id).isEmpty()).toList();
        assertThat(recorded).hasSize(60).startsWith(ids.get(0));
        assertThat(jdbc.queryForObject("SELECT suppressed FROM record_access_denial_cap WHERE organisation = ?",
                Long.class, CARDIO)).isEqualTo(10);
    }
}
