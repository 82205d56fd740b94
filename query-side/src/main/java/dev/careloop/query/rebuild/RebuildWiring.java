package dev.careloop.query.rebuild;

import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.EventMessageHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.annotation.HandlerDefinition;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** What a rebuild needs from the application, and the few questions every part of a run asks of it. */
record RebuildWiring(EventProcessingConfiguration processing, org.axonframework.config.Configuration axon,
                     EventStore eventStore, EventStorageEngine storageEngine, TokenStore tokenStore,
                     TransactionManager transactionManager, JdbcTemplate jdbc, Settings settings, Set<String> bulk,
                     List<KeyPrefetch> keys) {

    /** The name of the rebuild's own processor, and of its token in token_entry. */
    static final String PROCESSOR = "careloop-rebuild";

    /** Tuning (environment: CARELOOP_REBUILD_SEGMENTS, ..._BATCH_SIZE, ..._SWITCH_LAG, ..._SWITCH_TIMEOUT). */
    record Settings(int segments, int batchSize, long switchLag, Duration switchTimeout) {
    }

    /** The global index of the head of the log now. */
    long head() {
        return position(eventStore.createHeadToken());
    }

    static long position(TrackingToken token) {
        return token == null ? 0 : token.position().orElse(0);
    }

    /** Axon's annotated-handler adapters of the handlers, with the handler definition each class gets. */
    List<EventMessageHandler> adapters(List<Object> handlers, Function<Class<?>, HandlerDefinition> definition) {
        List<EventMessageHandler> adapters = new ArrayList<>();
        for (Object handler : handlers) {
            adapters.add(new AnnotationEventHandlerAdapter(handler, axon.parameterResolverFactory(),
                    definition.apply(handler.getClass())));
        }
        return adapters;
    }

    /** The rebuild processor's token goes: a rebuild always starts afresh. */
    void forgetToken() {
        jdbc.update("DELETE FROM token_entry WHERE processor_name = ?", PROCESSOR);
    }

    /** Caches the log's decoding reads (patients' keys) filled in one go, for reading the whole log. */
    void prefetchKeys() {
        keys.forEach(KeyPrefetch::prefetch);
    }
}
