package dev.careloop.app.replay;

import dev.careloop.query.replay.ReadModelTables;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.AbstractEventProcessor;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.EventHandlerInvoker;
import org.axonframework.eventhandling.EventMessageHandler;
import org.axonframework.eventhandling.MultiEventHandlerInvoker;
import org.axonframework.eventhandling.SimpleEventHandlerInvoker;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.careloop.app.privacy.PatientKeys;
import dev.careloop.query.replay.Stores;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.DependencyDescriptor;
import org.springframework.core.MethodParameter;
import org.springframework.beans.factory.config.AutowireCapableBeanFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.util.ClassUtils;

import java.lang.reflect.Constructor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Rebuilds read models from the log while the current ones keep serving (README, "Rebuilding read models"): one at
 * a time per process, for a set of processing groups that declare their tables ({@link ReadModelTables}). The work
 * itself is a {@link RebuildRun} on a thread of its own.
 */
@Service
public class ReadModelRebuilds implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ReadModelRebuilds.class);

    /** A request the API refuses: an unknown group, or groups that share a table without each other. */
    static final class InvalidRequest extends RuntimeException {
        InvalidRequest(String message) {
            super(message);
        }
    }

    static final class AlreadyRunning extends RuntimeException {
        AlreadyRunning(Rebuild running) {
            super("rebuild " + running.id + " of " + running.groups + " is still " + running.state().code);
        }
    }

    /** What a run needs from the application. */
    record Wiring(EventProcessingConfiguration processing, org.axonframework.config.Configuration axon,
                  EventStore eventStore, EventStorageEngine storageEngine, TokenStore tokenStore,
                  TransactionManager transactionManager, JdbcTemplate jdbc, AutowireCapableBeanFactory beans,
                  Settings settings, Set<String> bulk, PatientKeys patientKeys) {
    }

    /** Tuning (environment: CARELOOP_REBUILD_SEGMENTS, ..._BATCH_SIZE, ..._SWITCH_LAG, ..._SWITCH_TIMEOUT). */
    record Settings(int segments, int batchSize, long switchLag, Duration switchTimeout) {
    }

    private final Map<String, ReadModelTables> declared = new LinkedHashMap<>();
    private final Wiring wiring;
    private final Map<UUID, Rebuild> rebuilds = new ConcurrentHashMap<>();
    private volatile Rebuild current;
    private volatile ExecutorService runner;

    ReadModelRebuilds(List<ReadModelTables> readModels, EventProcessingConfiguration processing,
                      org.axonframework.config.Configuration axon, EventStore eventStore,
                      EventStorageEngine storageEngine, TokenStore tokenStore,
                      TransactionManager axonTransactions, PlatformTransactionManager transactions,
                      JdbcTemplate jdbc, AutowireCapableBeanFactory beans, PatientKeys patientKeys,
                      @Value("${careloop.rebuild.segments:2}") int segments,
                      @Value("${careloop.rebuild.batch-size:500}") int batchSize,
                      @Value("${careloop.rebuild.switch-lag:200}") long switchLag,
                      @Value("${careloop.rebuild.switch-timeout:PT30S}") Duration switchTimeout,
                      @Value("${careloop.rebuild.bulk:true}") boolean bulk) {
        readModels.stream().sorted(Comparator.comparing(ReadModelTables::processingGroup))
                .forEach(r -> declared.put(r.processingGroup(), r));
        this.wiring = new Wiring(processing, axon, eventStore, storageEngine, tokenStore,
                new SpringTransactionManager(transactions), jdbc, beans,
                new Settings(segments, batchSize, switchLag, switchTimeout),
                declared.values().stream().filter(r -> bulk && r.bulk()).map(ReadModelTables::processingGroup)
                        .collect(java.util.stream.Collectors.toUnmodifiableSet()), patientKeys);
    }

    /** The groups this process can rebuild: declared, and run here by a streaming processor. */
    public List<ReadModelTables> rebuildable() {
        return declared.values().stream().filter(r -> liveProcessor(r.processingGroup()).isPresent()).toList();
    }

    /** Starts rebuilding the given groups (all when empty); answers at once, the rebuild goes on in the background. */
    public synchronized RebuildView start(Collection<String> requested) {
        Rebuild running = current;
        if (running != null && !running.finished()) {
            throw new AlreadyRunning(running);
        }
        ExecutorService executor = runner;
        if (executor == null) {
            throw new IllegalStateException("the application is not running");
        }
        Set<String> groups = new TreeSet<>(requested == null || requested.isEmpty() || requested.contains("all")
                ? rebuildable().stream().map(ReadModelTables::processingGroup).toList() : requested);
        List<String> unknown = groups.stream()
                .filter(g -> !declared.containsKey(g) || liveProcessor(g).isEmpty()).toList();
        if (!unknown.isEmpty()) {
            throw new InvalidRequest("unknown processing group(s) " + unknown + "; rebuildable here: "
                    + rebuildable().stream().map(ReadModelTables::processingGroup).toList());
        }
        Set<String> tables = new LinkedHashSet<>();
        groups.forEach(g -> tables.addAll(declared.get(g).tables()));
        for (ReadModelTables other : declared.values()) {
            if (!groups.contains(other.processingGroup())
                    && other.tables().stream().anyMatch(tables::contains)) {
                throw new InvalidRequest("processing group " + other.processingGroup() + " also writes "
                        + other.tables().stream().filter(tables::contains).toList() + ": rebuild them together");
            }
        }
        Rebuild rebuild = new Rebuild(new ArrayList<>(groups), new ArrayList<>(tables), wiring.settings().segments(),
                wiring.settings().batchSize());
        rebuilds.put(rebuild.id, rebuild);
        current = rebuild;
        executor.execute(new RebuildRun(rebuild, wiring, this::handlersOf));
        log.info("Rebuild {} of {} (tables {}) requested", rebuild.id, rebuild.groups, rebuild.tables);
        return rebuild.view();
    }

    public Optional<RebuildView> find(UUID id) {
        return Optional.ofNullable(rebuilds.get(id)).map(Rebuild::view);
    }

    public List<RebuildView> all() {
        return rebuilds.values().stream().sorted(Comparator.comparing((Rebuild r) -> r.requestedAt).reversed())
                .map(Rebuild::view).toList();
    }

    private Optional<StreamingEventProcessor> liveProcessor(String group) {
        return wiring.processing().eventProcessorByProcessingGroup(group, StreamingEventProcessor.class);
    }

    /**
     * Fresh instances of the classes whose handlers the live processor of the group invokes: the same projection
     * code, with the same (Spring-injected) collaborators, but no state shared with the live instances; given
     * {@code stores}, those replace the live ones (a bulk rebuild).
     */
    private List<Object> handlersOf(String group, Stores stores) {
        StreamingEventProcessor live = liveProcessor(group)
                .orElseThrow(() -> new IllegalStateException("no processor for " + group));
        List<Class<?>> types = new ArrayList<>();
        collect(((AbstractEventProcessor) live).eventHandlerInvoker(), types);
        if (types.isEmpty()) {
            throw new IllegalStateException("processing group " + group + " has no annotated event handlers");
        }
        if (stores == null) {
            return types.stream().map(type -> wiring.beans().createBean(type)).map(Object.class::cast).toList();
        }
        return types.stream().map(type -> onStores(type, stores)).toList();
    }

    /** The handler built by its constructor, with {@code stores} for its Stores and beans, as autowired, for the rest. */
    private Object onStores(Class<?> type, Stores stores) {
        Constructor<?>[] constructors = type.getDeclaredConstructors();
        if (constructors.length != 1) {
            throw new IllegalStateException(type + " must have one constructor to be rebuilt in bulk");
        }
        Constructor<?> constructor = constructors[0];
        Object[] args = new Object[constructor.getParameterCount()];
        boolean takesStores = false;
        for (int i = 0; i < args.length; i++) {
            if (constructor.getParameterTypes()[i] == Stores.class) {
                args[i] = stores;
                takesStores = true;
            } else {
                args[i] = wiring.beans().resolveDependency(
                        new DependencyDescriptor(new MethodParameter(constructor, i), true), null);
            }
        }
        if (!takesStores) {
            throw new IllegalStateException(type + " is in a bulk-rebuilt group but does not write through Stores");
        }
        try {
            constructor.setAccessible(true);
            return constructor.newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + type, e);
        }
    }

    private static void collect(EventHandlerInvoker invoker, List<Class<?>> types) {
        if (invoker instanceof MultiEventHandlerInvoker multi) {
            multi.delegates().forEach(d -> collect(d, types));
        } else if (invoker instanceof SimpleEventHandlerInvoker simple) {
            for (EventMessageHandler handler : simple.eventHandlers()) {
                if (handler instanceof AnnotationEventHandlerAdapter annotated) {
                    types.add(ClassUtils.getUserClass(annotated.getTargetType()));
                } else {
                    throw new IllegalStateException("cannot make a fresh copy of handler " + handler);
                }
            }
        }
    }

    @Override
    public void start() {
        runner = Executors.newSingleThreadExecutor(RebuildThreads.named("read-model-rebuild"));
    }

    @Override
    public void stop() {
        ExecutorService executor = runner;
        runner = null;
        if (executor == null) {
            return;
        }
        // A rebuild in progress fails (its shadow tables are dropped); the live read models are untouched.
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("A read model rebuild did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return runner != null;
    }

    @Override
    public int getPhase() {
        // Stops before Axon's processors (so a rebuild never restarts a processor Axon is stopping).
        return Integer.MAX_VALUE - 200;
    }
}
