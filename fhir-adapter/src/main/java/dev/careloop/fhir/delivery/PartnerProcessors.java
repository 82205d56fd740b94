package dev.careloop.fhir.delivery;

import dev.careloop.fhir.log.LoggedChanges;
import dev.careloop.fhir.partner.Partner;
import dev.careloop.fhir.partner.Partners;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.deadletter.DeadLetteringEventHandlerInvoker;
import org.axonframework.eventhandling.deadletter.jdbc.DeadLetterSchema;
import org.axonframework.eventhandling.deadletter.jdbc.JdbcSequencedDeadLetterQueue;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.deadletter.SequencedDeadLetterQueue;
import org.axonframework.serialization.Serializer;
import org.axonframework.spring.jdbc.SpringDataSourceConnectionProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One Axon tracking event processor per active partner, processing group {@code fhir-partner-{id}}: built at
 * start-up for the partners in the registry and at once for a partner registered later. Each tracks the event
 * store from the head of the log at the partner's registration (tokens in token_entry, so it goes on where it
 * stopped after a restart), orders changes per referral ({@link ReferralSequencing}) and keeps what it could not
 * deliver in its own sequenced dead-letter queue in dead_letter_entry.
 * <p>
 * No connection waits on a partner: a batch reads in short transactions, calls the partner, and only then writes
 * its outcome (token and disclosures) in one short transaction ({@link AfterTheAnswer}, {@link PartnerTokens}). A
 * change the partner did not take is dead-lettered in a short transaction when its try fails, before the token is
 * stored: a crash between the two dead-letters it twice, never loses it (at least once, in order per referral).
 * <p>
 * These processors are not part of Axon's EventProcessingConfiguration (that cannot grow after start-up), so
 * nothing there can reset or replay them; their handler refuses resets as well.
 */
@Component
public class PartnerProcessors implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PartnerProcessors.class);

    /** One partner's running delivery. */
    private static final long DELIVERY_FETCH_MILLIS = 200;

    record Delivery(Partner partner, TrackingEventProcessor processor,
                    SequencedDeadLetterQueue<EventMessage<?>> queue, DeadLetteringEventHandlerInvoker invoker) {
    }

    private final Partners partners;
    private final EventStore eventStore;
    private final TransactionManager transactionManager;
    private final ConnectionProvider connectionProvider;
    private final TransactionManager afterTheAnswer;
    private final TokenStore partnerTokens;
    private final DeadLetterSchema deadLetterSchema;
    private final Serializer serializer;
    private final Serializer eventSerializer;
    private final LoggedChanges changes;
    private final ReferralSequencing sequencing;
    private final PartnerClient client;
    private final DeliverySettings settings;
    private final EventStorageEngine storageEngine;
    private final ReferencedResources referenced;
    private final Map<String, Delivery> running = new ConcurrentHashMap<>();
    private volatile boolean started;
    /**
     * Where partner processors read the log: the same storage through an event store of their own, which reads it
     * for each processor instead of from the shared cache of the application's event store. A processor started
     * while the application runs (a partner registered) joined that cache, and in three full test runs out of five
     * the live audit processor then missed an event appended within the next second (Axon issue #1037 describes
     * such anomalies of the shared cache; this keeps runtime joiners away from it). Deliveries follow the log
     * within {@value #DELIVERY_FETCH_MILLIS} ms.
     */
    private EmbeddedEventStore deliverySource;

    PartnerProcessors(Partners partners, EventStore eventStore, TokenStore tokenStore,
                      TransactionManager transactionManager, DataSource dataSource,
                      DeadLetterSchema deadLetterSchema, @Qualifier("serializer") Serializer serializer,
                      @Qualifier("eventSerializer") Serializer eventSerializer, LoggedChanges changes,
                      ReferralSequencing sequencing, PartnerClient client, DeliverySettings settings,
                      EventStorageEngine storageEngine, ReferencedResources referenced) {
        this.referenced = referenced;
        this.partners = partners;
        this.eventStore = eventStore;
        this.transactionManager = transactionManager;
        // Not Axon's unit-of-work-aware provider: a dead-letter lookup inside a batch would keep its connection
        // until the batch ends, through the partner's answer.
        this.connectionProvider = new SpringDataSourceConnectionProvider(dataSource);
        this.afterTheAnswer = new AfterTheAnswer(transactionManager);
        this.partnerTokens = new PartnerTokens(tokenStore, transactionManager);
        this.deadLetterSchema = deadLetterSchema;
        this.serializer = serializer;
        this.eventSerializer = eventSerializer;
        this.changes = changes;
        this.sequencing = sequencing;
        this.client = client;
        this.settings = settings;
        this.storageEngine = storageEngine;
    }

    /** The head of the log now: where a partner registered now starts. */
    long head() {
        TrackingToken head = eventStore.createHeadToken();
        if (head == null) {
            return -1;
        }
        OptionalLong position = head.position();
        return position.orElse(-1);
    }

    /** Starts delivering to a partner (no-op if it already is, or before the application has started). */
    synchronized void start(Partner partner) {
        if (!started || running.containsKey(partner.id()) || !partner.active()) {
            return;
        }
        Delivery delivery = build(partner);
        delivery.processor().start();
        running.put(partner.id(), delivery);
        log.info("Delivering FHIR changes to partner {} ({}, {}) from global index {}", partner.id(),
                partner.mode().code(), partner.baseUrl(), partner.startIndex());
    }

    /** Stops delivering to a partner; its token and dead letters stay. */
    synchronized void stop(String partnerId) {
        Delivery delivery = running.remove(partnerId);
        if (delivery != null) {
            delivery.processor().shutDown();
        }
    }

    Optional<Delivery> delivery(String partnerId) {
        return Optional.ofNullable(running.get(partnerId));
    }

    Map<String, Delivery> running() {
        return Collections.unmodifiableMap(running);
    }

    /**
     * The running partner processors by name (their processing group, as in token_entry): the nodes share their
     * segments as they share those of Axon's own processors (app's SegmentSharing).
     */
    public Map<String, TrackingEventProcessor> processors() {
        Map<String, TrackingEventProcessor> processors = new java.util.TreeMap<>();
        running.values().forEach(d -> processors.put(d.partner().processingGroup(), d.processor()));
        return processors;
    }

    /** A dead-letter queue for a partner, running or not (for the admin API). */
    SequencedDeadLetterQueue<EventMessage<?>> queueOf(String partnerId) {
        Delivery delivery = running.get(partnerId);
        return delivery != null ? delivery.queue() : queue(Partner.processingGroupOf(partnerId));
    }

    /** Events of the log this partner's processor has not looked at yet (0 when it is not running). */
    long waiting(String partnerId) {
        Delivery delivery = running.get(partnerId);
        if (delivery == null) {
            return 0;
        }
        long head = head();
        Map<Integer, EventTrackerStatus> status = delivery.processor().processingStatus();
        if (status.isEmpty()) {
            return Math.max(0, head - delivery.partner().startIndex());
        }
        long slowest = status.values().stream()
                .mapToLong(s -> s.getCurrentPosition().orElse(delivery.partner().startIndex()))
                .min().orElse(head);
        return Math.max(0, head - slowest);
    }

    private Delivery build(Partner partner) {
        String group = partner.processingGroup();
        JdbcSequencedDeadLetterQueue<EventMessage<?>> queue = queue(group);
        DeadLetteringEventHandlerInvoker invoker = DeadLetteringEventHandlerInvoker.builder()
                .eventHandlers(new PartnerDelivery(partner, changes, client, partners, settings,
                        d -> Thread.sleep(d.toMillis()), eventStore, referenced))
                .sequencingPolicy(sequencing)
                .queue(queue)
                .enqueuePolicy(new DeliveryEnqueuePolicy(settings.deadLetterBackoff()))
                .transactionManager(afterTheAnswer)
                .allowReset(false)
                .build();
        invoker.registerHandlerInterceptor(AfterTheAnswer.beginningAtPrepareCommit());
        long start = partner.startIndex();
        TrackingEventProcessorConfiguration configuration = TrackingEventProcessorConfiguration
                .forParallelProcessing(settings.segments())
                .andInitialSegmentsCount(settings.segments())
                .andBatchSize(settings.batchSize())
                .andTokenClaimInterval(1, TimeUnit.SECONDS)
                // The head of the log when the partner was registered: changes from then on, never history.
                .andInitialTrackingToken(source -> start < 0 ? null
                        : GapAwareTrackingToken.newInstance(start, Collections.emptySet()));
        return new Delivery(partner, TrackingEventProcessor.builder()
                .name(group)
                .eventHandlerInvoker(invoker)
                .messageSource(deliverySource)
                .tokenStore(partnerTokens)
                .transactionManager(afterTheAnswer)
                .storingTokensAfterProcessing()
                .trackingEventProcessorConfiguration(configuration)
                .build(), queue, invoker);
    }

    private JdbcSequencedDeadLetterQueue<EventMessage<?>> queue(String group) {
        return JdbcSequencedDeadLetterQueue.<EventMessage<?>>builder()
                .processingGroup(group)
                .connectionProvider(connectionProvider)
                .transactionManager(transactionManager)
                .schema(deadLetterSchema)
                .genericSerializer(serializer)
                .eventSerializer(eventSerializer)
                .build();
    }

    @Override
    public synchronized void start() {
        deliverySource = EmbeddedEventStore.builder().storageEngine(storageEngine).optimizeEventConsumption(false)
                .fetchDelay(DELIVERY_FETCH_MILLIS).timeUnit(TimeUnit.MILLISECONDS).build();
        started = true;
        for (Partner partner : partners.active()) {
            start(partner);
        }
    }

    @Override
    public synchronized void stop() {
        started = false;
        running.keySet().forEach(this::stop);
        if (deliverySource != null) {
            deliverySource.shutDown();
            deliverySource = null;
        }
    }

    @Override
    public boolean isRunning() {
        return started;
    }

    @Override
    public int getPhase() {
        // After Axon's configuration (Integer.MAX_VALUE - 3072) has started; stops before it.
        return Integer.MAX_VALUE - 250;
    }
}
