package dev.careloop.fhir.log;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.careloop.fhir.mapping.R4ChangeProjector;
import org.axonframework.eventhandling.DomainEventData;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.EventStreamUtils;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.Converter;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.serialization.upcasting.event.NoOpEventUpcaster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * What the FHIR index's batches cost in log reads, events deserialized and CPU, with and without the batch's history
 * cache (issue 19). The log is serialized JSON (Axon's Jackson serializer, as stored) read back as the storage engine
 * does, lazily; no SQL and no unsealing, so the time saved in the application is larger than the time here. A
 * measurement, not a check: {@code ./mvnw -B -o -pl fhir-adapter -am test -Dtest=IndexBatchCostTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dcareloop.measure=true}.
 */
@EnabledIfSystemProperty(named = "careloop.measure", matches = "true")
class IndexBatchCostTest {

    private static final int REFERRALS = 40;
    private static final int BATCH = 20;

    private final JacksonSerializer serializer = JacksonSerializer.builder()
            .objectMapper(new ObjectMapper().findAndRegisterModules()
                    .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS))
            .build();
    /** Counts the payloads and metadata deserialized (each event's payload once per message read and projected). */
    private final Serializer counting = new Serializer() {
        @Override
        public <T> SerializedObject<T> serialize(Object object, Class<T> expectedRepresentation) {
            return serializer.serialize(object, expectedRepresentation);
        }

        @Override
        public <T> boolean canSerializeTo(Class<T> expectedRepresentation) {
            return serializer.canSerializeTo(expectedRepresentation);
        }

        @Override
        public <S, T> T deserialize(SerializedObject<S> serializedObject) {
            if (!MetaData.class.getName().equals(serializedObject.getType().getName())) {
                payloadsDeserialized++;
            }
            return serializer.deserialize(serializedObject);
        }

        @Override
        public Class classForType(SerializedType type) {
            return serializer.classForType(type);
        }

        @Override
        public SerializedType typeForClass(Class type) {
            return serializer.typeForClass(type);
        }

        @Override
        public Converter getConverter() {
            return serializer.getConverter();
        }
    };
    private final Map<String, List<DomainEventData<?>>> log = new HashMap<>();
    private long reads;
    private long eventsRead;
    private long payloadsDeserialized;

    @Test
    void readsEventsAndTimePerBatchOfTheIndex() {
        EventStore eventStore = mock(EventStore.class);
        when(eventStore.readEvents(anyString(), anyLong())).thenAnswer(i -> {
            String id = i.getArgument(0);
            long first = i.getArgument(1);
            reads++;
            return EventStreamUtils.upcastAndDeserializeDomainEvents(log.get(id).stream()
                    .filter(e -> e.getSequenceNumber() >= first).peek(e -> eventsRead++), counting,
                    NoOpEventUpcaster.INSTANCE);
        });
        List<List<DomainEventMessage<?>>> histories = new ArrayList<>();
        for (int r = 0; r < REFERRALS; r++) {
            List<DomainEventMessage<?>> events = LoggedChangesTest.longReferral("r-" + r).events();
            histories.add(events);
            log.put("r-" + r, events.stream().<DomainEventData<?>>map(this::stored).toList());
        }
        LoggedChanges changes = new LoggedChanges(eventStore, new R4ChangeProjector());

        for (List<DomainEventMessage<?>> order : orders(histories).values()) {
            for (int warmUp = 0; warmUp < 5; warmUp++) {
                run(order, changes::madeBy, false);
                run(order, changes::madeByInBatch, true);
            }
        }
        System.out.printf("%n%d referrals x %d events, batches of %d (median of %d runs each, the two ways alternating)%n",
                REFERRALS, histories.get(0).size(), BATCH, RUNS);
        System.out.println("| order | log reads per event | events read per event | payloads deserialized per event "
                + "| ms for all events |");
        System.out.println("| --- | ---: | ---: | ---: | ---: |");
        for (Map.Entry<String, List<DomainEventMessage<?>>> order : orders(histories).entrySet()) {
            List<Cost> before = new ArrayList<>();
            List<Cost> after = new ArrayList<>();
            for (int run = 0; run < RUNS; run++) {
                if (run % 2 == 0) {
                    before.add(run(order.getValue(), changes::madeBy, false));
                    after.add(run(order.getValue(), changes::madeByInBatch, true));
                } else {
                    after.add(run(order.getValue(), changes::madeByInBatch, true));
                    before.add(run(order.getValue(), changes::madeBy, false));
                }
            }
            Cost was = median(before);
            Cost is = median(after);
            double n = order.getValue().size();
            System.out.printf("| %s | %.2f -> %.2f | %.2f -> %.2f | %.2f -> %.2f | %.1f -> %.1f |%n", order.getKey(),
                    was.reads / n, is.reads / n, was.eventsRead / n, is.eventsRead / n, was.deserialized / n,
                    is.deserialized / n, was.millis, is.millis);
            assertThat(is.reads).isLessThanOrEqualTo(was.reads);
        }
    }

    private static final int RUNS = 15;

    private static Cost median(List<Cost> costs) {
        List<Cost> sorted = new ArrayList<>(costs);
        sorted.sort(java.util.Comparator.comparingDouble(Cost::millis));
        return sorted.get(sorted.size() / 2);
    }

    private record Cost(long reads, long eventsRead, long deserialized, double millis) {
    }

    interface Change {
        Object madeBy(String aggregateId, long sequenceNumber);
    }

    /** The index's work for {@code order}, in batches: each batch one unit of work when {@code batched}. */
    private Cost run(List<DomainEventMessage<?>> order, Change change, boolean batched) {
        reads = 0;
        eventsRead = 0;
        payloadsDeserialized = 0;
        long started = System.nanoTime();
        for (int from = 0; from < order.size(); from += BATCH) {
            List<DomainEventMessage<?>> batch = order.subList(from, Math.min(order.size(), from + BATCH));
            BatchingUnitOfWork<EventMessage<?>> unitOfWork = batched ? new BatchingUnitOfWork<>(List.copyOf(batch))
                    : null;
            if (unitOfWork != null) {
                unitOfWork.start();
            }
            for (DomainEventMessage<?> event : batch) {
                change.madeBy(event.getAggregateIdentifier(), event.getSequenceNumber());
            }
            if (unitOfWork != null) {
                unitOfWork.commit();
            }
        }
        return new Cost(reads, eventsRead, payloadsDeserialized, (System.nanoTime() - started) / 1e6);
    }

    /** The same events in three global orders, each keeping every referral's own order. */
    private static Map<String, List<DomainEventMessage<?>>> orders(List<List<DomainEventMessage<?>>> histories) {
        Map<String, List<DomainEventMessage<?>>> orders = new java.util.LinkedHashMap<>();
        orders.put("each referral's events together", histories.stream().flatMap(List::stream).toList());
        Random random = new Random(19);
        List<DomainEventMessage<?>> mixed = new ArrayList<>();
        List<Integer> next = new ArrayList<>(histories.stream().map(h -> 0).toList());
        List<Integer> open = new ArrayList<>();
        for (int i = 0; i < histories.size(); i++) {
            open.add(i);
        }
        // Five referrals in flight at a time, a random one of them moving next (as a busy clinic's would).
        while (!open.isEmpty()) {
            int pick = open.get(random.nextInt(Math.min(5, open.size())));
            mixed.add(histories.get(pick).get(next.get(pick)));
            next.set(pick, next.get(pick) + 1);
            if (next.get(pick) == histories.get(pick).size()) {
                open.remove(Integer.valueOf(pick));
            }
        }
        orders.put("five referrals in flight", mixed);
        List<DomainEventMessage<?>> roundRobin = new ArrayList<>();
        for (int n = 0; n < histories.get(0).size(); n++) {
            for (List<DomainEventMessage<?>> history : histories) {
                roundRobin.add(history.get(n));
            }
        }
        orders.put("all 40 in flight (round robin)", roundRobin);
        return orders;
    }

    private DomainEventData<?> stored(DomainEventMessage<?> event) {
        SerializedObject<byte[]> payload = serializer.serialize(event.getPayload(), byte[].class);
        SerializedObject<byte[]> metaData = serializer.serialize(event.getMetaData(), byte[].class);
        return new GenericDomainEventEntry<>(event.getType(), event.getAggregateIdentifier(),
                event.getSequenceNumber(), event.getIdentifier(), event.getTimestamp(),
                payload.getType().getName(), payload.getType().getRevision(), payload.getData(), metaData.getData());
    }

}
