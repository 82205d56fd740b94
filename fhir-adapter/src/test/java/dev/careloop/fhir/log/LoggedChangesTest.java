package dev.careloop.fhir.log;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import dev.careloop.api.Patient;
import dev.careloop.api.referral.ReferralSent;
import dev.careloop.api.referral.ReferralStatus;
import dev.careloop.fhir.TestEvents.History;
import dev.careloop.fhir.mapping.FhirChange;
import dev.careloop.fhir.mapping.R4ChangeProjector;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import static dev.careloop.fhir.TestEvents.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * An event processor's batch reads each aggregate's history from the log once (then only the events after those it
 * holds); outside a unit of work every change reads the log, as before; the change is the same either way.
 */
class LoggedChangesTest {

    private final EventStore eventStore = mock(EventStore.class);
    private final LoggedChanges changes = new LoggedChanges(eventStore, new R4ChangeProjector());
    /** What the log holds, per aggregate; a test appends to it as the write side would. */
    private final Map<String, List<DomainEventMessage<?>>> log = new HashMap<>();
    /** Every read of the log: "aggregate from sequence". */
    private final List<String> reads = new ArrayList<>();

    @BeforeEach
    void countedLog() {
        when(eventStore.readEvents(anyString(), anyLong())).thenAnswer(i -> {
            String aggregateId = i.getArgument(0);
            long first = i.getArgument(1);
            reads.add(aggregateId + " from " + first);
            return DomainEventStream.of(log.getOrDefault(aggregateId, List.of()).stream()
                    .filter(e -> e.getSequenceNumber() >= first).toList());
        });
    }

    @AfterEach
    void noUnitOfWorkLeftOpen() {
        while (CurrentUnitOfWork.isStarted()) {
            CurrentUnitOfWork.get().rollback();
        }
    }

    @Test
    void aBatchReadsEachAggregatesHistoryOnce() {
        History first = longReferral("r-1");
        History second = longReferral("r-2");
        stored(first);
        stored(second);

        inOneBatch(() -> {
            for (int n = 0; n < first.size(); n++) {
                changes.madeByInBatch("r-1", n);
                changes.madeByInBatch("r-2", n);
            }
        });

        assertThat(reads).containsExactly("r-1 from 0", "r-2 from 0");
    }

    @Test
    void aLaterEventReadsOnlyTheEventsAfterThoseTheBatchHolds() {
        History referral = longReferral("r-1");
        stored(referral.first(2));

        inOneBatch(() -> {
            changes.madeByInBatch("r-1", 0);
            changes.madeByInBatch("r-1", 1);
            log.get("r-1").addAll(referral.events().subList(2, 5));
            assertThat(changes.madeByInBatch("r-1", 4).version()).isEqualTo(5);
            changes.madeByInBatch("r-1", 3);
        });

        assertThat(reads).containsExactly("r-1 from 0", "r-1 from 2");
    }

    @Test
    void eachChangeInABatchIsTheChangeReadWithoutOne() {
        for (Supplier<History> history : List.<Supplier<History>>of(() -> longReferral("r-1"), LoggedChangesTest::sharedRecord,
                LoggedChangesTest::handoff)) {
            History stored = history.get();
            stored(stored);
            String id = stored.aggregateId();
            // Out of order too: a batch can start in the middle of a history it then projects from the start.
            List<FhirChange> batched = inOneBatch(() -> {
                List<FhirChange> made = new ArrayList<>();
                FhirChange last = changes.madeByInBatch(id, stored.size() - 1);
                for (int n = 0; n < stored.size() - 1; n++) {
                    made.add(changes.madeByInBatch(id, n));
                }
                made.add(last);
                return made;
            });

            for (int n = 0; n < stored.size(); n++) {
                // Projected from events never projected before: a projection that changed an event it reads again
                // would show here.
                FhirChange fresh = new R4ChangeProjector().project(history.get().first(n + 1));
                assertSame(batched.get(n), fresh);
                assertSame(batched.get(n), changes.madeBy(id, n));
            }
        }
    }

    @Test
    void outsideAUnitOfWorkEveryChangeReadsTheLog() {
        stored(longReferral("r-1"));

        changes.madeByInBatch("r-1", 0);
        changes.madeByInBatch("r-1", 1);
        changes.madeByInBatch("r-1", 1);

        assertThat(reads).containsExactly("r-1 from 0", "r-1 from 0", "r-1 from 0");
    }

    @Test
    void theNextBatchReadsTheLogAgain() {
        stored(longReferral("r-1"));
        FhirChange before = inOneBatch(() -> changes.madeByInBatch("r-1", 3));
        // The patient erased between two batches: the log now reads back sealed, and the next batch must see it.
        List<DomainEventMessage<?>> erased = new ArrayList<>(longReferral("r-1").events());
        erased.set(0, referral("r-1").by("dr.north", GP).then(sentWithErasedPatient("r-1")).events().get(0));
        stored(erased);

        FhirChange after = inOneBatch(() -> changes.madeByInBatch("r-1", 3));

        assertThat(reads).containsExactly("r-1 from 0", "r-1 from 0");
        assertSame(after, new R4ChangeProjector().project(erased.subList(0, 4)));
        assertThat(encoded(before)).contains("Alex Morgan");
        assertThat(encoded(after)).doesNotContain("Alex Morgan");
    }

    @Test
    void aHandlerInANestedUnitOfWorkSharesItsBatchsHistories() {
        stored(longReferral("r-1"));

        inOneBatch(() -> {
            changes.madeByInBatch("r-1", 0);
            UnitOfWork<?> nested = DefaultUnitOfWork.startAndGet(null);
            changes.madeByInBatch("r-1", 1);
            nested.commit();
        });

        assertThat(reads).containsExactly("r-1 from 0");
    }

    @Test
    void anEventTheLogDoesNotHoldYetThrowsInABatchAndOutside() {
        History referral = longReferral("r-1");
        stored(referral.first(2));

        assertThatThrownBy(() -> changes.madeBy("r-1", 2)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not the 3 needed to project event #2");
        assertThatThrownBy(() -> changes.madeByInBatch("r-1", 2)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not the 3 needed to project event #2");
        inOneBatch(() -> {
            assertThat(changes.madeByInBatch("r-1", 1).version()).isEqualTo(2);
            assertThatThrownBy(() -> changes.madeByInBatch("r-1", 2)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("the log holds 2 events of r-1, not the 3 needed to project event #2");
            // The processor's retry, once the log holds it.
            log.get("r-1").add(referral.events().get(2));
            assertThat(changes.madeByInBatch("r-1", 2).version()).isEqualTo(3);
        });

        assertThat(reads).containsExactly("r-1 from 0", "r-1 from 0", "r-1 from 0", "r-1 from 2", "r-1 from 2");
    }

    @Test
    void aHistoryWithAGapThrowsInABatch() {
        History referral = longReferral("r-1");
        List<DomainEventMessage<?>> gap = new ArrayList<>(referral.first(4));
        gap.remove(2);
        log.put("r-1", gap);

        inOneBatch(() -> {
            assertThat(changes.madeByInBatch("r-1", 1).version()).isEqualTo(2);
            assertThatThrownBy(() -> changes.madeByInBatch("r-1", 3)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("the log holds 2 events of r-1, not the 4 needed to project event #3");
        });
    }

    private static void assertSame(FhirChange actual, FhirChange expected) {
        assertThat(actual).usingRecursiveComparison().ignoringFields("resources").isEqualTo(expected);
        assertThat(actual.resources()).hasSameSizeAs(expected.resources());
        for (int i = 0; i < expected.resources().size(); i++) {
            Resource a = actual.resources().get(i);
            Resource e = expected.resources().get(i);
            assertThat(a.equalsDeep(e)).as("version %d, %s/%s", expected.version(), e.fhirType(), e.getIdPart())
                    .isTrue();
        }
    }

    private static String encoded(FhirChange change) {
        IParser json = FhirContext.forR4Cached().newJsonParser();
        return String.join("\n", change.resources().stream().map(json::encodeResourceToString).toList());
    }

    private void stored(History history) {
        stored(history.events());
    }

    private void stored(List<DomainEventMessage<?>> events) {
        log.put(events.get(0).getAggregateIdentifier(), new ArrayList<>(events));
    }

    private static void inOneBatch(Runnable work) {
        inOneBatch(() -> {
            work.run();
            return null;
        });
    }

    /** As a tracking processor handles a batch: one unit of work for all its events. */
    private static <T> T inOneBatch(Supplier<T> work) {
        List<EventMessage<?>> batch = List.of(GenericEventMessage.asEventMessage("batch"));
        BatchingUnitOfWork<EventMessage<?>> unitOfWork = new BatchingUnitOfWork<>(batch);
        unitOfWork.start();
        try {
            return work.get();
        } finally {
            unitOfWork.commit();
        }
    }

    private static ReferralSent sentWithErasedPatient(String id) {
        ReferralSent sent = referralSent(id, GP, DERM, null);
        return new ReferralSent(sent.referralId(), sent.referralNumber(), sent.identifierSystem(),
                sent.initiatorOrganisation(), sent.recipientOrganisation(), Patient.erased(sent.patient().patientId()),
                sent.priority(), sent.service(), sent.reason(), sent.note(), sent.slaDueAt(), sent.basedOnReferralId(),
                sent.status());
    }

    static History longReferral(String id) {
        return referral(id)
                .by("dr.north", GP).then(referralSent(id, GP, DERM, null))
                .byCareLoop().then(slaMissed(id, ReferralStatus.CREATED))
                .by("dr.river", DERM).then(forwarded(id, DERM, CARDIO))
                .by("dr.lake", CARDIO).then(accepted(id))
                .then(informationRequested(id))
                .by("dr.north", GP).then(informationProvided(id, ReferralStatus.ACCEPTED))
                .then(recordAttached(id, RECORD, ReferralStatus.ACCEPTED))
                .by("dr.lake", CARDIO).then(visitScheduled(id, 2))
                .then(interimNoteSent(id, List.of(RECORD)))
                .then(outcomeSent(id, List.of(RECORD)))
                .by("dr.north", GP).then(outcomeAcknowledged(id));
    }

    static History sharedRecord() {
        return record(RECORD)
                .by("dr.north", GP).then(recordShared(RECORD, REFERRAL, GP, Set.of(DERM, CARDIO)))
                .by("dr.river", DERM).then(disclosed(RECORD, DERM, 1, SHA_1))
                .by("dr.north", GP).then(recordAmended(RECORD, 2))
                .then(accessRevoked(RECORD, CARDIO))
                .by("dr.river", DERM).then(disclosed(RECORD, DERM, 2, SHA_2))
                .byCareLoop().then(accessExpired(RECORD));
    }

    static History handoff() {
        return appointment(APPOINTMENT)
                .by("dr.river", DERM).then(appointmentProposed(APPOINTMENT, REFERRAL, DERM, Set.of(GP)))
                .then(appointmentBooked(APPOINTMENT, REFERRAL, DERM, Set.of(GP)))
                .then(appointmentRescheduled(APPOINTMENT, REFERRAL))
                .byCareLoop().then(reminderDue(APPOINTMENT, REFERRAL))
                .by("dr.river", DERM).then(handedOff(APPOINTMENT, REFERRAL, DERM, CARDIO))
                .by("dr.lake", CARDIO).then(arrived(APPOINTMENT, REFERRAL))
                .then(fulfilled(APPOINTMENT, REFERRAL));
    }
}
