package dev.careloop.app.nodes;

import dev.careloop.plumbing.NodeIdentity;
import dev.careloop.plumbing.PeriodicTask;
import dev.careloop.query.ProjectionCommits;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.TokenSchema;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Several CareLoop processes on one PostgreSQL (docs/OPERATIONS.md): event processors claim segments in
 * token_entry under this node's own name and give a dead node's claims up after {@code careloop.nodes.claim-timeout};
 * segments with nothing to do keep their tokens in memory ({@link IdleSegmentTokens}), and how far every segment has
 * come is known without polling ({@link ProjectionCommits}).
 */
@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
class NodesConfiguration {

    @Bean
    NodeIdentity nodeIdentity(@Value("${careloop.nodes.node-id:}") String configured) {
        return NodeIdentity.of(configured);
    }

    /** Every segment's progress: this node's as its processors commit, the others' from token_entry. */
    @Bean
    ProjectionCommits projectionCommits(JdbcTemplate jdbc, @Qualifier("serializer") Serializer serializer) {
        return new ProjectionCommits(() -> {
            Map<ProjectionCommits.Key, TrackingToken> tokens = new HashMap<>();
            jdbc.query("SELECT processor_name, segment, token, token_type FROM token_entry", row -> {
                byte[] bytes = row.getBytes(3);
                String type = row.getString(4);
                tokens.put(new ProjectionCommits.Key(row.getString(1), row.getInt(2)),
                        bytes == null || type == null ? null : serializer.deserialize(
                                new SimpleSerializedObject<>(bytes, byte[].class, type, null)));
            });
            return tokens;
        });
    }

    /**
     * Axon's JDBC token store, with this node's name as the owner of its claims (Axon's default, pid@host, is
     * shared by two contexts of one JVM) and the claim timeout after which another node takes a segment over; token
     * stores of segments that handled nothing kept in memory.
     */
    @Bean
    TokenStore tokenStore(ConnectionProvider connectionProvider, @Qualifier("serializer") Serializer serializer,
                          TokenSchema schema, NodeIdentity node, TransactionManager transactions,
                          ProjectionCommits commits,
                          @Value("${careloop.nodes.claim-timeout:PT10S}") Duration claimTimeout) {
        return new IdleSegmentTokens(JdbcTokenStore.builder()
                .connectionProvider(connectionProvider)
                .schema(schema)
                .serializer(serializer)
                .claimTimeout(claimTimeout)
                .nodeId(node.id())
                .build(), transactions, commits, claimTimeout);
    }

    /**
     * The log as the projections other than the record view read it (their {@code source} in
     * application.yml): once caught up, a segment starts a batch at most once every
     * {@code careloop.nodes.gather-window}, so the commands of that window share its transaction (issue 19).
     */
    @Bean
    GatheredEvents gatheredEvents(EventStore eventStore,
                                  @Value("${careloop.nodes.gather-window:PT0.2S}") Duration window) {
        return new GatheredEvents(eventStore, window);
    }

    /**
     * Writes the idle segments' kept tokens every {@code careloop.nodes.idle-token-flush}, in one transaction: the
     * token table (other nodes' readers, readiness, a restart) is that much behind for them at most.
     */
    @Bean
    PeriodicTask idleTokenFlush(TokenStore tokenStore,
                                @Value("${careloop.nodes.idle-token-flush:PT0.5S}") Duration interval) {
        IdleSegmentTokens tokens = (IdleSegmentTokens) tokenStore;
        return new PeriodicTask("idle-token-flush", interval, PeriodicTask.Rounds.PER_NODE) {
            @Override
            protected void runOnce() {
                tokens.flush();
            }
        };
    }
}
