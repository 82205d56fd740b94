package dev.careloop.app.bench;

import dev.careloop.api.Actor;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * What any HTTP command API on this machine cannot beat: the request goes through the same Tomcat, filters,
 * security filter chain, argument resolution and Jackson as a command, then one event-shaped row (the body as the
 * payload, the caller as the metadata) is inserted and committed, as the raw baseline does over JDBC, and a small
 * JSON answers. No aggregate, no event store, no projection. Exists only with {@code careloop.bench.floor=true}.
 */
@RestController
@ConditionalOnProperty(name = BenchFloor.PROPERTY, havingValue = "true")
@Tag(name = "Benchmark", description = "The HTTP floor of bench/run.sh; only with careloop.bench.floor=true")
class BenchFloorController {

    private static final Logger log = LoggerFactory.getLogger(BenchFloorController.class);
    private static final String INSERT = """
            INSERT INTO bench_floor_event (aggregate_id, seq, payload, meta, ts) VALUES (?, 0, ?, ?, ?)
            RETURNING id""";

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    BenchFloorController(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
        log.warn("{}=true: {} answers (benchmarks only, never in service)", BenchFloor.PROPERTY, BenchFloor.PATH);
    }

    /** One statement in autocommit: one round trip and one WAL-flushed commit, the least a durable write costs. */
    @PostMapping(BenchFloor.PATH)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Benchmark only: insert one event-shaped row and commit (the HTTP floor)")
    Map<String, Object> append(Actor actor, @RequestBody JsonNode body) {
        String aggregateId = UUID.randomUUID().toString();
        Long id = jdbc.queryForObject(INSERT, Long.class, aggregateId, json.writeValueAsBytes(body),
                json.writeValueAsBytes(actor.metaData()), Timestamp.from(Instant.now()));
        return Map.of("id", id, "aggregateId", aggregateId);
    }
}
