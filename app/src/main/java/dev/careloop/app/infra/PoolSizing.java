package dev.careloop.app.infra;

import com.zaxxer.hikari.HikariDataSource;
import dev.careloop.fhir.delivery.DeliverySettings;
import dev.careloop.fhir.partner.Partners;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Checks at start that the connection pool can carry what this process runs: a connection for each thread of
 * each event processor (held for its batch) and of each partner's delivery (held only for the short transaction
 * after the partner's answer), the scheduler's threads,
 * and some for requests. Too small a pool does not deadlock (no thread holds one connection while it waits for
 * another) but stalls: requests wait and are answered 503. Warns, naming CARELOOP_DB_POOL_SIZE and the size wanted.
 */
@Component
class PoolSizing {

    private static final Logger log = LoggerFactory.getLogger(PoolSizing.class);

    /** db-scheduler's threads (AxonInfrastructure) and the partners' delivery schedule and dead-letter rounds. */
    static final int BACKGROUND = 4;
    /** Connections left for requests at the least. */
    static final int REQUESTS = 4;

    private final DataSource dataSource;
    private final ObjectProvider<EventProcessingConfiguration> processing;
    private final ObjectProvider<TokenStore> tokens;
    private final ObjectProvider<Partners> partners;
    private final ObjectProvider<DeliverySettings> delivery;

    PoolSizing(DataSource dataSource, ObjectProvider<EventProcessingConfiguration> processing,
               ObjectProvider<TokenStore> tokens, ObjectProvider<Partners> partners,
               ObjectProvider<DeliverySettings> delivery) {
        this.dataSource = dataSource;
        this.processing = processing;
        this.tokens = tokens;
        this.partners = partners;
        this.delivery = delivery;
    }

    @EventListener(ApplicationReadyEvent.class)
    void check() {
        if (!(dataSource instanceof HikariDataSource pool)) {
            return;
        }
        Map<String, Integer> processors = new TreeMap<>();
        EventProcessingConfiguration configuration = processing.getIfAvailable();
        TokenStore tokenStore = tokens.getIfAvailable();
        if (configuration != null) {
            configuration.eventProcessors().forEach((name, processor) -> {
                if (processor instanceof StreamingEventProcessor streaming) {
                    int segments = tokenStore == null ? 1 : Math.max(1, tokenStore.fetchSegments(name).length);
                    processors.put(name, Math.min(streaming.maxCapacity(), segments));
                }
            });
        }
        Partners registry = partners.getIfAvailable();
        DeliverySettings settings = delivery.getIfAvailable();
        int activePartners = 0;
        int segmentsPerPartner = 0;
        if (registry != null && settings != null) {
            try {
                activePartners = registry.active().size();
                segmentsPerPartner = settings.segments();
            } catch (RuntimeException e) {
                log.warn("Could not count the partners to size the connection pool: {}", e.toString());
            }
        }
        int partnersCounted = activePartners;
        advice(pool.getMaximumPoolSize(), processors, activePartners, segmentsPerPartner).ifPresentOrElse(
                log::warn, () -> log.info("Connection pool of {} carries {} event processor thread(s) and {} "
                        + "partner(s)", pool.getMaximumPoolSize(), processors.values().stream()
                        .mapToInt(Integer::intValue).sum(), partnersCounted));
    }

    /** What to tell the operator when {@code pool} connections are fewer than the process needs; else empty. */
    static Optional<String> advice(int pool, Map<String, Integer> processors, int partners, int segmentsPerPartner) {
        int processorThreads = processors.values().stream().mapToInt(Integer::intValue).sum();
        int deliveryThreads = partners * segmentsPerPartner;
        int needed = processorThreads + deliveryThreads + BACKGROUND + REQUESTS;
        if (pool >= needed) {
            return Optional.empty();
        }
        return Optional.of("CARELOOP_DB_POOL_SIZE=" + pool + " is too small for this process: its event processors"
                + " hold up to " + processorThreads + " connection(s), deliveries to " + partners + " partner(s) up to "
                + deliveryThreads + " (" + segmentsPerPartner + " segment(s) each), background tasks " + BACKGROUND
                + ", and requests need at least " + REQUESTS + ". Set CARELOOP_DB_POOL_SIZE to at least " + needed
                + " (and PostgreSQL's max_connections above the sum over all processes), or requests will wait"
                + " and be answered 503.");
    }
}
