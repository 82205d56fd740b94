package dev.careloop.app.infra;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.serializer.JacksonSerializer;
import com.github.kagkarlsson.scheduler.task.Task;
import dev.careloop.app.privacy.PatientKeys;
import dev.careloop.app.privacy.PatientSealing;
import dev.careloop.plumbing.NodeIdentity;
import dev.careloop.query.audit.AuditSequencing;
import dev.careloop.query.replay.BatchedWrites;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.ConfigurationScopeAwareProvider;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.deadline.DeadlineManagerSpanFactory;
import org.axonframework.deadline.dbscheduler.DbSchedulerDeadlineManager;
import org.axonframework.deadline.dbscheduler.DbSchedulerHumanReadableDeadlineDetails;
import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.async.SequencingPolicy;
import org.axonframework.eventhandling.deadletter.jdbc.DeadLetterSchema;
import org.axonframework.eventhandling.scheduling.EventScheduler;
import org.axonframework.eventhandling.scheduling.dbscheduler.DbSchedulerEventScheduler;
import org.axonframework.eventhandling.scheduling.dbscheduler.DbSchedulerHumanReadableEventData;
import org.axonframework.eventhandling.tokenstore.jdbc.TokenSchema;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.modelling.command.CommandTargetResolver;
import org.axonframework.modelling.saga.repository.jdbc.PostgresSagaSqlSchema;
import org.axonframework.modelling.saga.repository.jdbc.SagaSchema;
import org.axonframework.modelling.saga.repository.jdbc.SagaSqlSchema;
import org.axonframework.queryhandling.LoggingQueryInvocationErrorHandler;
import org.axonframework.queryhandling.QueryBus;
import org.axonframework.queryhandling.QueryBusSpanFactory;
import org.axonframework.queryhandling.QueryInvocationErrorHandler;
import org.axonframework.queryhandling.QueryUpdateEmitter;
import org.axonframework.queryhandling.SimpleQueryBus;
import org.axonframework.serialization.Serializer;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.PlatformTransactionManager;

import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;

/**
 * Axon on PostgreSQL without Axon Server: the JDBC storage engine, token store, saga store and
 * dead-letter queue on the tables of V1__event_store.sql, JSON serialization, and db-scheduler as the
 * persistent deadline manager.
 */
@Configuration(proxyBeanMethods = false)
class AxonInfrastructure {

    @Bean
    EventSchema eventSchema() {
        return EventSchema.builder()
                .eventTable("domain_event_entry")
                .snapshotTable("snapshot_event_entry")
                .globalIndexColumn("global_index")
                .timestampColumn("time_stamp")
                .eventIdentifierColumn("event_identifier")
                .aggregateIdentifierColumn("aggregate_identifier")
                .sequenceNumberColumn("sequence_number")
                .typeColumn("type")
                .payloadTypeColumn("payload_type")
                .payloadRevisionColumn("payload_revision")
                .payloadColumn("payload")
                .metaDataColumn("meta_data")
                .build();
    }

    /**
     * Axon's auto-configured JDBC storage engine, built the same way, with the tracking processors' reads of the log
     * made to keep their plan ({@link TrackedEventReads}) and its reads outside a unit of work taking no transaction of
     * their own ({@link ReadsWithoutTransaction}).
     */
    @Bean
    EventStorageEngine eventStorageEngine(@Qualifier("serializer") Serializer snapshotSerializer,
                                          PersistenceExceptionResolver persistenceExceptionResolver,
                                          @Qualifier("eventSerializer") Serializer eventSerializer,
                                          org.axonframework.config.Configuration configuration,
                                          ConnectionProvider connectionProvider, TransactionManager transactionManager,
                                          EventSchema eventSchema) {
        return JdbcEventStorageEngine.builder()
                .snapshotSerializer(snapshotSerializer)
                .upcasterChain(configuration.upcasterChain())
                .persistenceExceptionResolver(persistenceExceptionResolver)
                .eventSerializer(eventSerializer)
                .snapshotFilter(configuration.snapshotFilter())
                .connectionProvider(connectionProvider)
                .transactionManager(new ReadsWithoutTransaction(transactionManager))
                .schema(eventSchema)
                .readEventDataWithGaps(TrackedEventReads::withGaps)
                .readEventDataWithoutGaps(TrackedEventReads::withoutGaps)
                .build();
    }

    @Bean
    TokenSchema tokenSchema() {
        return TokenSchema.builder()
                .setTokenTable("token_entry")
                .setProcessorNameColumn("processor_name")
                .setSegmentColumn("segment")
                .setTokenColumn("token")
                .setTokenTypeColumn("token_type")
                .setTimestampColumn("timestamp")
                .setOwnerColumn("owner")
                .build();
    }

    @Bean
    SagaSqlSchema sagaSqlSchema() {
        return new PostgresSagaSqlSchema(SagaSchema.builder()
                .sagaEntryTable("saga_entry")
                .revisionColumn("revision")
                .serializedSagaColumn("serialized_saga")
                .associationValueEntryTable("association_value_entry")
                .associationKeyColumn("association_key")
                .associationValueColumn("association_value")
                .sagaIdColumn("saga_id")
                .sagaTypeColumn("saga_type")
                .build());
    }

    @Bean
    DeadLetterSchema deadLetterSchema() {
        return DeadLetterSchema.builder()
                .deadLetterTable("dead_letter_entry")
                .deadLetterIdentifierColumn("dead_letter_id")
                .processingGroupColumn("processing_group")
                .sequenceIdentifierColumn("sequence_identifier")
                .sequenceIndexColumn("sequence_index")
                .messageTypeColumn("message_type")
                .eventIdentifierColumn("event_identifier")
                .timestampColumn("time_stamp")
                .payloadTypeColumn("payload_type")
                .payloadRevisionColumn("payload_revision")
                .payloadColumn("payload")
                .metaDataColumn("meta_data")
                .aggregateTypeColumn("type")
                .aggregateIdentifierColumn("aggregate_identifier")
                .sequenceNumberColumn("sequence_number")
                .tokenTypeColumn("token_type")
                .tokenColumn("token")
                .enqueuedAtColumn("enqueued_at")
                .lastTouchedColumn("last_touched")
                .processingStartedColumn("processing_started")
                .causeTypeColumn("cause_type")
                .causeMessageColumn("cause_message")
                .diagnosticsColumn("diagnostics")
                .build();
    }

    /**
     * The audit trail in one sequence per aggregate it is about, so that an event whose entry cannot be written is
     * dead-lettered with the later events of its own aggregate only, never the whole platform's trail. The live
     * processor has one segment, so entries are still written in log order; a rebuild keeps that order too
     * (RebuildRun).
     */
    @Bean
    SequencingPolicy<EventMessage<?>> auditSequencing() {
        return new AuditSequencing();
    }

    /**
     * Axon's units of work in Spring's transactions: a command's events, its read of other aggregates and what it
     * writes alongside commit together, and each event processor batch commits with its token. Declared here
     * because Axon 4.13's auto-configuration orders itself after Boot 3's transaction auto-configuration by class
     * name; under Boot 4 that name is gone, Spring's transaction manager does not exist yet when Axon looks, and
     * Axon falls back to running without transactions.
     */
    @Bean
    TransactionManager axonTransactionManager(PlatformTransactionManager transactions) {
        return new SpringTransactionManager(transactions);
    }

    /**
     * Axon's query bus without a transaction. Its only handlers are the read-your-writes finds, which wait for their
     * projection (ProjectionCommits) and then read once: Axon's default bus would hold a transaction, and with it a
     * pooled connection, through the wait.
     */
    @Bean
    @Qualifier("localSegment")
    SimpleQueryBus queryBus(org.axonframework.config.Configuration axon) {
        return SimpleQueryBus.builder()
                .messageMonitor(axon.messageMonitor(QueryBus.class, "queryBus"))
                .transactionManager(NoTransactionManager.instance())
                .errorHandler(axon.getComponent(QueryInvocationErrorHandler.class,
                        () -> LoggingQueryInvocationErrorHandler.builder().build()))
                .queryUpdateEmitter(axon.getComponent(QueryUpdateEmitter.class))
                .spanFactory(axon.getComponent(QueryBusSpanFactory.class))
                .build();
    }

    /**
     * Events as readable JSON: ISO-8601 instants and dates, not epoch numbers; a patient's identity sealed
     * under the patient's own key (crypto-shredding: docs/COMPLIANCE.md, "Erasure").
     */
    @Bean("defaultAxonObjectMapper")
    ObjectMapper defaultAxonObjectMapper(PatientKeys patientKeys) {
        return new ObjectMapper().findAndRegisterModules()
                .registerModule(new PatientSealing(patientKeys))
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    @Bean
    CorrelationDataProvider actorAndRequestCorrelation() {
        return new ActorAndRequestCorrelation();
    }

    /**
     * An event handler that throws never skips its event: the failure reaches the processor (retry or DLQ), and a
     * dead letter's cause is always one the dead-letter table can store. Saga processors, which Axon 4 gives no
     * dead-letter queue, retry a few times and then dead-letter the event in saga_dead_letter (SagaFailures).
     */
    @Bean
    ConfigurerModule propagateHandlerErrors(ObjectProvider<SagaDeadLetters> sagaDeadLetters,
                                            @Value("${careloop.saga.attempts:4}") int sagaAttempts) {
        SagaFailures sagaFailures = new SagaFailures(sagaDeadLetters::getObject, sagaAttempts);
        return configurer -> configurer.eventProcessing(processing -> processing
                .registerDefaultListenerInvocationErrorHandler(c -> PropagatingErrorHandler.instance())
                .registerDefaultDeadLetterPolicy(c -> new DeadLetterCauses())
                .registerDefaultErrorHandler(c -> sagaFailures)
                .registerDefaultHandlerInterceptor((c, name) -> sagaFailures.parking(name)));
    }

    /** Each command's target aggregate, its class's annotated members found once (every aggregate's commands). */
    @Bean
    CommandTargetResolver commandTargetResolver() {
        return new CachedCommandTargets();
    }

    /**
     * The projections whose batches hold their writes until they commit (BatchedWrites): a row read once and written
     * once per batch, in one JDBC batch per table, and no savepoint per handler. "referrals" too, whose view the
     * commands' own transactions also write (InlineProjections): its rows are versioned, so the processor's later
     * write of a version a command has since passed changes nothing. Not "records", whose grants reference their
     * record by a foreign key (a batch writes table by table). The groups: careloop.projections.batched-writes.
     */
    @Bean
    ConfigurerModule batchedProjectionWrites(
            @Value("${careloop.projections.batched-writes:}")
            List<String> groups) {
        MessageHandlerInterceptor<EventMessage<?>> holdWrites = (unitOfWork, chain) -> {
            if (unitOfWork instanceof BatchingUnitOfWork) {
                BatchedWrites.open(unitOfWork);
            }
            return chain.proceed();
        };
        return configurer -> configurer.eventProcessing(processing -> groups.stream().map(String::strip)
                .filter(group -> !group.isEmpty())
                .forEach(group -> processing.registerHandlerInterceptor(group, c -> holdWrites)));
    }

    /**
     * db-scheduler on the application's PostgreSQL. Through a transaction-aware proxy, so that a deadline
     * scheduled by a command is stored in the same transaction as the command's events.
     */
    @Bean(destroyMethod = "")
    Scheduler deadlineScheduler(DataSource dataSource, List<Task<?>> tasks, NodeIdentity node) {
        return Scheduler.create(new TransactionAwareDataSourceProxy(dataSource), tasks)
                // One execution is picked by one node (db-scheduler locks it); picked_by names which.
                .schedulerName(new SchedulerName.Fixed(node.id()))
                // Deadlines as JSON in scheduled_tasks, readable with psql; no Java serialization anywhere.
                .serializer(new JacksonSerializer())
                .threads(2)
                .pollingInterval(Duration.ofSeconds(2))
                .heartbeatInterval(Duration.ofSeconds(30))
                .build();
    }

    /** Axon's deadline task in its human-readable (JSON) form rather than the binary default. */
    @Bean
    @Qualifier("deadlineDetailsTask")
    Task<DbSchedulerHumanReadableDeadlineDetails> deadlineDetailsTask(ApplicationContext context) {
        return DbSchedulerDeadlineManager.humanReadableTask(
                () -> context.getBean(IndexedDeadlineManager.class).delegate());
    }

    @Bean
    @Qualifier("eventDataTask")
    Task<DbSchedulerHumanReadableEventData> eventDataTask(ApplicationContext context) {
        return DbSchedulerEventScheduler.humanReadableTask(() -> context.getBean(DbSchedulerEventScheduler.class));
    }

    @Bean
    IndexedDeadlineManager deadlineManager(Scheduler scheduler, org.axonframework.config.Configuration configuration,
                                           @Qualifier("eventSerializer") Serializer serializer,
                                           TransactionManager transactionManager,
                                           DeadlineManagerSpanFactory spanFactory, JdbcTemplate jdbc) {
        return new IndexedDeadlineManager(DbSchedulerDeadlineManager.builder()
                .scheduler(scheduler)
                .scopeAwareProvider(new ConfigurationScopeAwareProvider(configuration))
                .serializer(serializer)
                .transactionManager(transactionManager)
                .spanFactory(spanFactory)
                .useBinaryPojo(false)
                // Started and stopped by deadlineSchedulerLifecycle below.
                .startScheduler(false)
                .stopScheduler(false)
                .build(), jdbc);
    }

    @Bean
    EventScheduler eventScheduler(Scheduler scheduler, @Qualifier("eventSerializer") Serializer serializer,
                                  TransactionManager transactionManager, EventBus eventBus) {
        return DbSchedulerEventScheduler.builder()
                .scheduler(scheduler)
                .serializer(serializer)
                .transactionManager(transactionManager)
                .eventBus(eventBus)
                .useBinaryPojo(false)
                .startScheduler(false)
                .stopScheduler(false)
                .build();
    }

    @Bean
    SmartLifecycle deadlineSchedulerLifecycle(Scheduler scheduler) {
        // Polls once the application is up, after Axon's own components (which register at lower phases), so
        // deadlines find their handlers; stops before the data source closes.
        return new PhasedLifecycle(scheduler::start, scheduler::stop, Integer.MAX_VALUE - 100);
    }
}
