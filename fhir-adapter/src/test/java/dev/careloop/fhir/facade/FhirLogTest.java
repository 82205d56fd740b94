package dev.careloop.fhir.facade;

import dev.careloop.fhir.FhirValidation;
import dev.careloop.fhir.TestEvents.History;
import dev.careloop.fhir.mapping.R4ChangeProjector;
import dev.careloop.fhir.mapping.FhirChange;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static dev.careloop.fhir.TestEvents.CARDIO;
import static dev.careloop.fhir.TestEvents.DERM;
import static dev.careloop.fhir.TestEvents.GP;
import static dev.careloop.fhir.TestEvents.SHA_1;
import static dev.careloop.fhir.TestEvents.accepted;
import static dev.careloop.fhir.TestEvents.accessRevoked;
import static dev.careloop.fhir.TestEvents.disclosed;
import static dev.careloop.fhir.TestEvents.forwarded;
import static dev.careloop.fhir.TestEvents.informationRequested;
import static dev.careloop.fhir.TestEvents.interimNoteSent;
import static dev.careloop.fhir.TestEvents.record;
import static dev.careloop.fhir.TestEvents.recordShared;
import static dev.careloop.fhir.TestEvents.referral;
import static dev.careloop.fhir.TestEvents.referralSent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** Resources read from the log: read is the whole history projected, vread n its first n events. */
class FhirLogTest {

    private final EventStore eventStore = mock(EventStore.class);
    private final FhirLog log = new FhirLog(eventStore, new R4ChangeProjector());

    @Test
    void readIsTheCurrentVersionAndVreadAnEarlierOne() {
        stored(referral("r-1").by("gp-user", GP).then(referralSent("r-1", GP, DERM, null))
                .by("derm-user", DERM).then(accepted("r-1")));

        Task current = (Task) log.read("Task", "r-1", DERM).orElseThrow();
        Task first = (Task) log.vread("Task", "r-1", 1, GP).orElseThrow();

        assertThat(current.getMeta().getVersionId()).isEqualTo("2");
        assertThat(current.getStatus()).isEqualTo(Task.TaskStatus.ACCEPTED);
        assertThat(first.getStatus()).isEqualTo(Task.TaskStatus.RECEIVED);
        assertThat(log.history("ServiceRequest", "r-1", GP)).extracting(r -> r.getMeta().getVersionId())
                .containsExactly("2", "1");
        assertThat(log.vread("Task", "r-1", 3, GP)).isEmpty();
        FhirValidation.assertValid(current);
    }

    @Test
    void anOrganisationThatTakesNoPartSeesNothing() {
        stored(referral("r-1").by("gp-user", GP).then(referralSent("r-1", GP, DERM, null)));

        assertThat(log.read("Task", "r-1", CARDIO)).isEmpty();
        assertThat(log.vread("ServiceRequest", "r-1", 1, CARDIO)).isEmpty();
        assertThat(log.history("Task", "r-1", CARDIO)).isEmpty();
        assertThat(log.read("Provenance", "r-1-1", CARDIO)).isEmpty();
    }

    @Test
    void aRecipientThatForwardedTheReferralSeesItAsItWasWhenItLeftAndNothingAfter() {
        stored(referral("r-1").by("gp-user", GP).then(referralSent("r-1", GP, DERM, null))
                .by("derm-user", DERM).then(forwarded("r-1", DERM, CARDIO))
                .by("cardio-user", CARDIO).then(accepted("r-1"))
                .by("cardio-user", CARDIO).then(interimNoteSent("r-1", List.of())));

        Task left = (Task) log.read("Task", "r-1", DERM).orElseThrow();
        assertThat(left.getMeta().getVersionId()).isEqualTo("2");
        assertThat(left.getOwner().getReference()).endsWith(CARDIO);
        assertThat(log.history("Task", "r-1", DERM)).extracting(r -> r.getMeta().getVersionId())
                .containsExactly("2", "1");
        assertThat(log.vread("Task", "r-1", 3, DERM)).isEmpty();
        assertThat(log.read("Provenance", "r-1-2", DERM)).isPresent();
        assertThat(log.read("Provenance", "r-1-4", DERM)).isEmpty();
        assertThat(log.read("Communication", "r-1-4", DERM)).isEmpty();
        assertThat(log.read("Communication", "r-1-4", GP)).isPresent();
        assertThat(log.read("Task", "r-1", GP).orElseThrow().getMeta().getVersionId()).isEqualTo("4");
    }

    @Test
    void theOrganisationAReferralIsForwardedToSeesItsWholeHistory() {
        stored(referral("r-1").by("gp-user", GP).then(referralSent("r-1", GP, DERM, null))
                .by("derm-user", DERM).then(forwarded("r-1", DERM, CARDIO)));

        assertThat(log.history("Task", "r-1", CARDIO)).hasSize(2);
        assertThat(log.read("Provenance", "r-1-1", CARDIO)).isPresent();
    }

    @Test
    void aResourceOneChangeMadeHasThatVersionOnly() {
        stored(referral("r-1").by("gp-user", GP).then(referralSent("r-1", GP, DERM, null))
                .by("derm-user", DERM).then(informationRequested("r-1")));

        Resource question = log.read("Communication", "r-1-2", GP).orElseThrow();

        assertThat(question.getMeta().getVersionId()).isEqualTo("2");
        assertThat(log.vread("Communication", "r-1-2", 1, GP)).isEmpty();
        assertThat(log.read("Communication", "r-1-1", GP)).isEmpty();
        assertThat(log.read("Communication", "r-1-x", GP)).isEmpty();
        assertThat(log.read("Provenance", "r-1-9", GP)).isEmpty();
        FhirValidation.assertValid(question);
    }

    @Test
    void aDisclosureIsNoDocumentVersionAndItsAuditIsForTheAuthorAndTheReaderOnly() {
        stored(record("rec-1").by("gp-user", GP).then(recordShared("rec-1", null, GP, Set.of(DERM, CARDIO)))
                .by("derm-user", DERM).then(disclosed("rec-1", DERM, 1, SHA_1)));

        assertThat(log.read("DocumentReference", "rec-1", CARDIO).orElseThrow().getMeta().getVersionId())
                .isEqualTo("1");
        assertThat(log.vread("DocumentReference", "rec-1", 2, GP)).isEmpty();
        assertThat(log.history("Consent", "rec-1", DERM)).hasSize(1);
        assertThat(log.read("AuditEvent", "rec-1-2", GP)).isPresent();
        assertThat(log.read("AuditEvent", "rec-1-2", DERM)).isPresent();
        assertThat(log.read("AuditEvent", "rec-1-2", CARDIO)).isEmpty();
        FhirValidation.assertValid(log.read("AuditEvent", "rec-1-2", GP).orElseThrow());
    }

    @Test
    void aRevokedRecipientNoLongerSeesAnyVersion() {
        stored(record("rec-1").by("gp-user", GP).then(recordShared("rec-1", null, GP, Set.of(DERM, CARDIO)))
                .then(accessRevoked("rec-1", CARDIO)));

        assertThat(log.read("DocumentReference", "rec-1", CARDIO)).isEmpty();
        assertThat(log.vread("DocumentReference", "rec-1", 1, CARDIO)).isEmpty();
        assertThat(log.read("Provenance", "rec-1-1", CARDIO)).isEmpty();
        assertThat(log.read("DocumentReference", "rec-1", DERM)).isPresent();
    }

    @Test
    void aTypeFromAnotherAggregateIsNotFound() {
        stored(referral("r-1").by("gp-user", GP).then(referralSent("r-1", GP, DERM, null)));

        assertThat(log.read("DocumentReference", "r-1", GP)).isEmpty();
        assertThat(log.read("Appointment", "r-1", GP)).isEmpty();
        assertThat(log.read("Patient", "r-1", GP)).isEmpty();
        assertThat(log.read("Task", "nothing-here", GP)).isEmpty();
    }

    @Test
    void theIndexReadsAnAggregatesHistoryOncePerBatch() {
        History referral = referral("r-1").by("gp-user", GP).then(referralSent("r-1", GP, DERM, null))
                .by("derm-user", DERM).then(accepted("r-1")).then(informationRequested("r-1"));
        when(eventStore.readEvents("r-1", 0L)).thenAnswer(i -> DomainEventStream.of(referral.events()));

        BatchingUnitOfWork<EventMessage<?>> batch = new BatchingUnitOfWork<>(List.copyOf(referral.events()));
        batch.start();
        try {
            assertThat(List.of(log.change("r-1", 0), log.change("r-1", 1), log.change("r-1", 2)))
                    .extracting(FhirChange::version).containsExactly(1L, 2L, 3L);
        } finally {
            batch.commit();
        }

        verify(eventStore, times(1)).readEvents(anyString(), anyLong());
    }

    private void stored(History history) {
        when(eventStore.readEvents(anyString(), eq(0L))).thenAnswer(i -> DomainEventStream.empty());
        when(eventStore.readEvents(eq(history.aggregateId()), eq(0L)))
                .thenAnswer(i -> DomainEventStream.of(history.events()));
    }
}
