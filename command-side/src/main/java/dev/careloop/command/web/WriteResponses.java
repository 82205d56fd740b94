package dev.careloop.command.web;

import dev.careloop.api.Actor;
import dev.careloop.command.web.IdempotentWrites.Written;
import dev.careloop.plumbing.ReadPositions;
import org.axonframework.queryhandling.QueryGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;
import java.util.function.ToLongFunction;

/**
 * The answer to a write: the new version as ETag, Location for a creation, and the resource as the caller's
 * read model shows it once caught up (or only its id and version, also when the read-back fails: a committed write
 * never answers 500); remembered for an Idempotency-Key replay.
 */
@Component
public class WriteResponses {

    private static final Logger log = LoggerFactory.getLogger(WriteResponses.class);

    private final QueryGateway queries;
    private final IdempotentWrites idempotency;
    private final ObjectMapper json;
    private final Duration readYourWritesTimeout;
    private final ReadPositions positions;

    WriteResponses(QueryGateway queries, IdempotentWrites idempotency, ObjectMapper json,
                   @Value("${careloop.read-your-writes-timeout:PT5S}") Duration readYourWritesTimeout,
                   JdbcTemplate jdbc) {
        this.positions = new ReadPositions(jdbc);
        this.queries = queries;
        this.idempotency = idempotency;
        this.json = json;
        this.readYourWritesTimeout = readYourWritesTimeout;
    }

    /**
     * What to read back: the find query for the write's log position (negative when it is not known), the view type,
     * and the view's version.
     */
    public record ReadBack<V>(String collection, String idName, LongFunction<Object> queryAt, Class<V> type,
                              ToLongFunction<V> versionOf) {
    }

    /**
     * The view at the written version, or empty when it is not there in time or cannot be read (the database went
     * away after the commit): the events are in the log, so the answer is still the write's own, with its version.
     */
    private <V> Optional<V> readBack(Written written, Optional<Long> position, ReadBack<V> readBack) {
        try {
            return ReadYourWrites.readBack(queries, readBack.queryAt().apply(position.orElse(-1L)), readBack.type(),
                    written.version(),
                    readBack.versionOf(), readYourWritesTimeout);
        } catch (RuntimeException e) {
            log.warn("Committed {} {} v{}; reading it back failed, answering with its id and version: {}",
                    readBack.collection(), written.id(), written.version(), e.toString());
            return Optional.empty();
        }
    }

    public <V> ResponseEntity<Object> respond(Written written, Actor actor, String key, ReadBack<V> readBack) {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(written.status())
                .eTag(Long.toString(written.version()))
                .contentType(MediaType.APPLICATION_JSON);
        if (written.status() == 201) {
            response.location(URI.create(readBack.collection() + "/" + written.id()));
        }
        if (written.replayed()) {
            response.header("Idempotent-Replayed", "true");
        }
        // Read in the write's own transaction; a replayed answer (or a write that could not read it) looks it up.
        Optional<Long> taken = WritePosition.take(written.id());
        Optional<Long> position = (written.replayed() ? Optional.<Long>empty() : taken)
                .or(() -> positions.ofWrite(written.id() + " v" + written.version(), List.of(written.id())));
        position.ifPresent(p -> response.header(ReadPositions.HEADER, Long.toString(p)));
        String body = written.body();
        if (body == null) {
            Object view = readBack(written, position, readBack).<Object>map(v -> v)
                    .orElseGet(() -> Map.of(readBack.idName(), written.id(), "version", written.version()));
            body = json.writeValueAsString(view);
            try {
                idempotency.rememberBody(actor, key, body);
            } catch (RuntimeException e) {
                // The key already holds the id and version: a replay reads the resource back then.
                log.warn("Committed {} {} v{}; its answer could not be kept for Idempotency-Key replays: {}",
                        readBack.collection(), written.id(), written.version(), e.toString());
            }
        }
        return response.body(body);
    }
}
