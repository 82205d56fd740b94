package dev.careloop.command.web;

import dev.careloop.api.Actor;
import dev.careloop.command.web.IdempotentWrites.Written;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The answer to a write: the new version as ETag, Location for a creation, and the resource as the caller's
 * read model shows it once caught up (or only its id and version); remembered for an Idempotency-Key replay.
 */
@Component
public class WriteResponses {

    private final QueryGateway queries;
    private final IdempotentWrites idempotency;
    private final ObjectMapper json;
    private final Duration readYourWritesTimeout;

    WriteResponses(QueryGateway queries, IdempotentWrites idempotency, ObjectMapper json,
                   @Value("${careloop.read-your-writes-timeout:PT5S}") Duration readYourWritesTimeout) {
        this.queries = queries;
        this.idempotency = idempotency;
        this.json = json;
        this.readYourWritesTimeout = readYourWritesTimeout;
    }

    /** What to read back: the find query for the written version, the view type, and the view's version. */
    public record ReadBack<V>(String collection, String idName, Object query, Class<V> type, ToLongFunction<V> versionOf) {
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
        String body = written.body();
        if (body == null) {
            Object view = ReadYourWrites.readBack(queries, readBack.query(), readBack.type(), written.version(),
                            readBack.versionOf(), readYourWritesTimeout)
                    .<Object>map(v -> v)
                    .orElseGet(() -> Map.of(readBack.idName(), written.id(), "version", written.version()));
            body = json.writeValueAsString(view);
            idempotency.rememberBody(actor, key, body);
        }
        return response.body(body);
    }
}
