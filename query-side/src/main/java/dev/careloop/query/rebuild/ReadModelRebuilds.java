package dev.careloop.query.rebuild;

import dev.careloop.query.replay.ReadModelTables;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.AutowireCapableBeanFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;

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
import java.util.stream.Collectors;

/**
 * Rebuilds read models from the log while the current ones keep serving (README, "Rebuilding read models"): one at
 * a time per process, for a set of processing groups that declare their tables ({@link ReadModelTables}). The work
 * itself is a {@link RebuildRun} on a thread of its own, on fresh instances of the groups' handlers
 * ({@link FreshHandlers}).
 */
@Service
class ReadModelRebuilds implements SmartLifecycle {

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

    private final Map<String, ReadModelTables> declared = new LinkedHashMap<>();
    private final RebuildWiring wiring;
    private final FreshHandlers handlers;
    private final Map<UUID, Rebuild> rebuilds = new ConcurrentHashMap<>();
    private volatile Rebuild current;
    private volatile ExecutorService runner;

    ReadModelRebuilds(List<ReadModelTables> readModels, EventProcessingConfiguration processing,
                      org.axonframework.config.Configuration axon, EventStore eventStore,
                      EventStorageEngine storageEngine, TokenStore tokenStore,
                      PlatformTransactionManager transactions, JdbcTemplate jdbc, AutowireCapableBeanFactory beans,
                      List<KeyPrefetch> keys,
                      @Value("${careloop.rebuild.segments:2}") int segments,
                      @Value("${careloop.rebuild.batch-size:500}") int batchSize,
                      @Value("${careloop.rebuild.switch-lag:200}") long switchLag,
                      @Value("${careloop.rebuild.switch-timeout:PT30S}") Duration switchTimeout,
                      @Value("${careloop.rebuild.bulk:true}") boolean bulk) {
        readModels.stream().sorted(Comparator.comparing(ReadModelTables::processingGroup))
                .forEach(r -> declared.put(r.processingGroup(), r));
        this.wiring = new RebuildWiring(processing, axon, eventStore, storageEngine, tokenStore,
                new SpringTransactionManager(transactions), jdbc,
                new RebuildWiring.Settings(segments, batchSize, switchLag, switchTimeout),
                declared.values().stream().filter(r -> bulk && r.bulk()).map(ReadModelTables::processingGroup)
                        .collect(Collectors.toUnmodifiableSet()), List.copyOf(keys));
        this.handlers = new FreshHandlers(processing, beans);
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
        executor.execute(new RebuildRun(rebuild, wiring, handlers));
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
        return handlers.liveProcessor(group);
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
