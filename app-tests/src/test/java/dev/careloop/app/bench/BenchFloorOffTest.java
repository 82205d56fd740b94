package dev.careloop.app.bench;

import dev.careloop.app.CareLoopClient;
import dev.careloop.app.CareLoopIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.client.RestClient;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** By default (careloop.bench.floor unset) the benchmark's floor does not exist for anyone. */
@CareLoopIntegrationTest
class BenchFloorOffTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Test
    void offTheFloorIsAnsweredAsAnyRouteCareLoopDoesNotHave() {
        CareLoopClient gp = CareLoopClient.as(port, "northside-gp-staff");
        long before = jdbc.queryForObject("SELECT count(*) FROM bench_floor_event", Long.class);

        CareLoopClient.Response floor = gp.post(BenchFloor.PATH, Map.of("any", "thing"));
        CareLoopClient.Response unknown = gp.post("/api/no-such-route", Map.of("any", "thing"));

        assertThat(floor.status()).isEqualTo(unknown.status()).isEqualTo(403);
        JsonNode floorProblem = floor.json();
        JsonNode unknownProblem = unknown.json();
        assertThat(floorProblem.get("title")).isEqualTo(unknownProblem.get("title"));
        assertThat(floorProblem.get("detail")).isEqualTo(unknownProblem.get("detail"));
        assertThat(floorProblem.get("detail").asString()).contains("no route of CareLoop");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM bench_floor_event", Long.class)).isEqualTo(before);
    }

    @Test
    void offNeitherSpringMvcNorTheOpenApiDocumentKnowsTheRoute() {
        String document = RestClient.create("http://localhost:" + port).get().uri("/v3/api-docs")
                .retrieve().body(String.class);

        assertThat(document).doesNotContain(BenchFloor.PATH);
        assertThat(mappings.getHandlerMethods().keySet().stream()
                .flatMap(info -> info.getPatternValues().stream())).doesNotContain(BenchFloor.PATH);
    }
}
