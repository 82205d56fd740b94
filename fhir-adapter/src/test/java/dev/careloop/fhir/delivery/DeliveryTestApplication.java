package dev.careloop.fhir.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.zaxxer.hikari.HikariDataSource;
import dev.careloop.api.Actor;
import dev.careloop.fhir.mapping.ChangeProjector;
import dev.careloop.fhir.mapping.FhirChange;
import dev.careloop.plumbing.DriverSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.deadletter.jdbc.DeadLetterSchema;
import org.axonframework.eventhandling.tokenstore.jdbc.TokenSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.flywaydb.core.Flyway;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import javax.sql.DataSource;
import java.io.IOException;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Delivery without the rest of CareLoop: embedded PostgreSQL with Axon's tables and V9, Axon's JDBC event store,
 * a stand-in ChangeProjector (the real one is the mapping's), and callers named by test headers instead of JWTs.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = "org.axonframework.springboot.autoconfig.UpdateCheckerAutoConfiguration")
@Import(FhirDeliveryConfiguration.class)
class DeliveryTestApplication implements WebMvcConfigurer {

    /** What a test appends to the log: a change to a referral, visible to {@code organisations}. */
    record ReferralChanged(String referralId, Set<String> organisations, String status) {
    }

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres() throws IOException {
        return EmbeddedPostgres.builder().setRegisterShutdownHook(false).start();
    }

    @Bean(destroyMethod = "close")
    DataSource dataSource(EmbeddedPostgres postgres) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
        pool.setUsername("postgres");
        pool.setMaximumPoolSize(20);
        // Batches as the application's connections send them: multi-row INSERTs.
        pool.setDataSourceProperties(DriverSettings.properties());
        Flyway.configure().dataSource(pool)
                .locations("classpath:db/delivery-test", "classpath:db/migration")
                .load().migrate();
        return pool;
    }

    @Bean
    EventSchema eventSchema() {
        return EventSchema.builder()
                .eventTable("domain_event_entry").snapshotTable("snapshot_event_entry")
                .globalIndexColumn("global_index").timestampColumn("time_stamp")
                .eventIdentifierColumn("event_identifier").aggregateIdentifierColumn("aggregate_identifier")
                .sequenceNumberColumn("sequence_number").typeColumn("type").payloadTypeColumn("payload_type")
                .payloadRevisionColumn("payload_revision").payloadColumn("payload").metaDataColumn("meta_data")
                .build();
    }

    @Bean
    TokenSchema tokenSchema() {
        return TokenSchema.builder().setTokenTable("token_entry").setProcessorNameColumn("processor_name")
                .setSegmentColumn("segment").setTokenColumn("token").setTokenTypeColumn("token_type")
                .setTimestampColumn("timestamp").setOwnerColumn("owner").build();
    }

    @Bean
    DeadLetterSchema deadLetterSchema() {
        return DeadLetterSchema.builder()
                .deadLetterTable("dead_letter_entry").deadLetterIdentifierColumn("dead_letter_id")
                .processingGroupColumn("processing_group").sequenceIdentifierColumn("sequence_identifier")
                .sequenceIndexColumn("sequence_index").messageTypeColumn("message_type")
                .eventIdentifierColumn("event_identifier").timestampColumn("time_stamp")
                .payloadTypeColumn("payload_type").payloadRevisionColumn("payload_revision")
                .payloadColumn("payload").metaDataColumn("meta_data").aggregateTypeColumn("type")
                .aggregateIdentifierColumn("aggregate_identifier").sequenceNumberColumn("sequence_number")
                .tokenTypeColumn("token_type").tokenColumn("token").enqueuedAtColumn("enqueued_at")
                .lastTouchedColumn("last_touched").processingStartedColumn("processing_started")
                .causeTypeColumn("cause_type").causeMessageColumn("cause_message")
                .diagnosticsColumn("diagnostics").build();
    }

    @Bean("defaultAxonObjectMapper")
    ObjectMapper defaultAxonObjectMapper() {
        return new ObjectMapper().findAndRegisterModules().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    /**
     * Stand-in for the mapping's ChangeProjector: the referral as a Task (id = the aggregate's id, versionId =
     * its version) and a Provenance per change ({aggregateId}-{version}), visible to the organisations the last
     * event names.
     */
    /** Nothing to carry along: the stand-in's Task and Provenance name only each other. */
    @Bean
    ReferencedResources referencedResources() {
        return (resourceType, id, organisation) -> java.util.Optional.empty();
    }

    @Bean
    ChangeProjector changeProjector() {
        return history -> {
            DomainEventMessage<?> last = history.get(history.size() - 1);
            ReferralChanged change = (ReferralChanged) last.getPayload();
            String id = last.getAggregateIdentifier();
            String version = Long.toString(last.getSequenceNumber() + 1);
            Date recorded = Date.from(last.getTimestamp());
            Task task = new Task();
            task.setId(id);
            task.getMeta().setVersionId(version).setLastUpdated(recorded);
            task.setStatus(Task.TaskStatus.fromCode(change.status()));
            task.setIntent(Task.TaskIntent.ORDER);
            Provenance provenance = new Provenance();
            provenance.setId(id + "-" + version);
            provenance.getMeta().setVersionId("1").setLastUpdated(recorded);
            provenance.addTarget(new Reference("Task/" + id + "/_history/" + version));
            provenance.setRecorded(recorded);
            List<Resource> resources = List.of(task, provenance);
            return new FhirChange(last.getType(), id, last.getSequenceNumber() + 1, last.getTimestamp(),
                    change.referralId(), null, change.organisations(), resources);
        };
    }

    /** Headers X-Test-User, X-Test-Org and X-Test-Roles stand for the app's bearer token. */
    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new HandlerMethodArgumentResolver() {
            @Override
            public boolean supportsParameter(MethodParameter parameter) {
                return Actor.class.equals(parameter.getParameterType());
            }

            @Override
            public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mav,
                                          NativeWebRequest request, WebDataBinderFactory binderFactory) {
                String roles = request.getHeader("X-Test-Roles");
                return new Actor(String.valueOf(request.getHeader("X-Test-User")),
                        String.valueOf(request.getHeader("X-Test-Org")),
                        roles == null ? Set.of() : Set.of(roles.split(",")), "test", null);
            }
        });
    }

}
