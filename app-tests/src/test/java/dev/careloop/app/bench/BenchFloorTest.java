package dev.careloop.app.bench;

import dev.careloop.app.CareLoopClient;
import dev.careloop.app.CareLoopIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** With careloop.bench.floor=true: the benchmark's HTTP floor inserts one row per call, behind the same security. */
@CareLoopIntegrationTest
@TestPropertySource(properties = "careloop.bench.floor=true")
// Its own context, used by no other class: closed after it, so its processors and pollers stop.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class BenchFloorTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aClinicCallerAppendsOneEventRowAndIsAnsweredWithItsId() {
        CareLoopClient gp = CareLoopClient.as(port, "northside-gp-staff");
        long before = jdbc.queryForObject("SELECT count(*) FROM bench_floor_event", Long.class);

        CareLoopClient.Response answer = gp.post(BenchFloor.PATH, CareLoopClient.referralTo("riverside-derm", "MRN-7"));

        assertThat(answer.status()).isEqualTo(201);
        JsonNode body = answer.json();
        long id = body.get("id").asLong();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM bench_floor_event", Long.class)).isEqualTo(before + 1);
        Map<String, Object> row = jdbc.queryForMap(
                "SELECT aggregate_id, payload, meta, ts FROM bench_floor_event WHERE id = ?", id);
        assertThat(row.get("aggregate_id")).isEqualTo(body.get("aggregateId").asString());
        assertThat(new String((byte[]) row.get("payload"), StandardCharsets.UTF_8))
                .contains("\"recipientOrganisation\":\"riverside-derm\"").contains("MRN-7");
        assertThat(new String((byte[]) row.get("meta"), StandardCharsets.UTF_8)).contains("northside-gp");
        assertThat(row.get("ts")).isNotNull();
    }

    @Test
    void onlyWhoMaySendAReferralMayCallIt() {
        CareLoopClient.Response officer = CareLoopClient.as(port, "northside-gp-compliance")
                .post(BenchFloor.PATH, Map.of("any", "thing"));
        int anonymous = RestClient.builder().baseUrl("http://localhost:" + port)
                .defaultStatusHandler(status -> true, (request, response) -> { }).build()
                .post().uri(BenchFloor.PATH).header("Content-Type", "application/json").body("{}")
                .retrieve().toBodilessEntity().getStatusCode().value();

        assertThat(officer.status()).isEqualTo(403);
        assertThat(officer.body()).contains(BenchFloor.PATH + " is for").contains("clinicians or coordinators");
        assertThat(anonymous).isEqualTo(401);
    }
}
