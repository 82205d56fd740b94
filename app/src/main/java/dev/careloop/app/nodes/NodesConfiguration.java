package dev.careloop.app.nodes;

import dev.careloop.plumbing.NodeIdentity;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.TokenSchema;
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;

import java.time.Duration;

/**
 * Several CareLoop processes on one PostgreSQL (docs/OPERATIONS.md): event processors claim segments in
 * token_entry under this node's own name and give a dead node's claims up after {@code careloop.nodes.claim-timeout}.
 */
@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
class NodesConfiguration {

    @Bean
    NodeIdentity nodeIdentity(@Value("${careloop.nodes.node-id:}") String configured) {
        return NodeIdentity.of(configured);
    }

    /**
     * Axon's JDBC token store, with this node's name as the owner of its claims (Axon's default, pid@host, is
     * shared by two contexts of one JVM) and the claim timeout after which another node takes a segment over.
     */
    @Bean
    TokenStore tokenStore(ConnectionProvider connectionProvider, @Qualifier("serializer") Serializer serializer,
                          TokenSchema schema, NodeIdentity node,
                          @Value("${careloop.nodes.claim-timeout:PT10S}") Duration claimTimeout) {
        return JdbcTokenStore.builder()
                .connectionProvider(connectionProvider)
                .schema(schema)
                .serializer(serializer)
                .claimTimeout(claimTimeout)
                .nodeId(node.id())
                .build();
    }
}
