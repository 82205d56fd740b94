package dev.careloop.fhir.mapping;

import dev.careloop.fhir.TestEvents.History;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.careloop.fhir.TestEvents.*;
import static dev.careloop.fhir.mapping.Histories.DERM_USER;
import static dev.careloop.fhir.mapping.Histories.GP_USER;
import static dev.careloop.fhir.mapping.Resources.all;
import static dev.careloop.fhir.mapping.Resources.one;
import static org.assertj.core.api.Assertions.assertThat;

class ReferralMappingTest {

    private final R4ChangeProjector projector = new R4ChangeProjector();
    private final History referral = Histories.longReferral();

    @Test
    void fromItsReKeyingOnAReferralIsFoundByTheKeyedPatientIdAndStillNamesThePatientByIdentifier() {
        History rekeyed = Histories.rekeyedReferral();

        FhirChange before = projector.project(rekeyed.first(1));
        FhirChange rekeying = projector.project(rekeyed.first(2));
        FhirChange after = projector.project(rekeyed.first(3));

        assertThat(before.patientId()).isEqualTo(alex().patientId());
        assertThat(rekeying.patientId()).isEqualTo(Histories.KEYED);
        assertThat(after.patientId()).isEqualTo(Histories.KEYED);
        assertThat(rekeying.version()).isEqualTo(2);
        Task task = one(rekeying, Task.class);
        assertThat(task.getFor().getIdentifier().getValue()).isEqualTo("NG-1001");
        assertThat(task.getFor().getDisplay()).isEqualTo("Alex Morgan");
    }

    @Test
    void aSentReferralIsAnOrderWithTheInitiatorsNumberAndATaskForTheRecipient() {
        FhirChange sent = projector.project(referral.first(1));
        ServiceRequest order = one(sent, ServiceRequest.class);
        Task task = one(sent, Task.class);

        assertThat(order.getIdentifierFirstRep().getSystem()).isEqualTo("https://careloop.dev/fhir/sid/referral/" + GP);
        assertThat(order.getIdentifierFirstRep().getValue()).isEqualTo("REF-r-1");
        assertThat(order.getPriority()).isEqualTo(ServiceRequest.ServiceRequestPriority.URGENT);
        assertThat(order.getSubject().getIdentifier().getValue()).isEqualTo("NG-1001");
        assertThat(order.getSubject().getDisplay()).isEqualTo("Alex Morgan");
        assertThat(order.getRequester().getReference()).isEqualTo("Organization/" + GP);
        assertThat(order.getPerformerFirstRep().getReference()).isEqualTo("Organization/" + DERM);
        assertThat(task.getFocus().getReference()).isEqualTo("ServiceRequest/" + REFERRAL);
        assertThat(task.getOwner().getReference()).isEqualTo("Organization/" + DERM);
        assertThat(task.getAuthoredOn().toInstant()).isEqualTo(T0);
        assertThat(sent.organisations()).containsExactly(GP, DERM);
        assertThat(sent.patientId()).isEqualTo(alex().patientId());
        assertThat(sent.referralId()).isEqualTo(REFERRAL);
    }

    @Test
    void everyRecipientTheReferralHasHadKeepsSeeingIt() {
        FhirChange forwarded = projector.project(referral.first(3));

        assertThat(forwarded.organisations()).containsExactly(CARDIO, GP, DERM);
        assertThat(one(forwarded, ServiceRequest.class).getPerformerFirstRep().getReference())
                .isEqualTo("Organization/" + CARDIO);
        assertThat(one(forwarded, Task.class).getStatusReason().getText()).isEqualTo("Cardiac symptoms first");
    }

    @Test
    void anAnswerRespondsToTheQuestionAndIsMadeOnlyByItsOwnChange() {
        Communication question = one(projector.project(referral.first(5)), Communication.class);
        FhirChange answered = projector.project(referral.first(6));
        Communication answer = one(answered, Communication.class);

        assertThat(question.getIdElement().getIdPart()).isEqualTo("r-1-5");
        assertThat(question.getSender().getReference()).isEqualTo("Organization/" + CARDIO);
        assertThat(question.getRecipientFirstRep().getReference()).isEqualTo("Organization/" + GP);
        assertThat(question.getPartOfFirstRep().getReference()).isEqualTo("Task/" + REFERRAL);
        assertThat(question.getBasedOnFirstRep().getReference()).isEqualTo("ServiceRequest/" + REFERRAL);
        assertThat(answer.getIdElement().getIdPart()).isEqualTo("r-1-6");
        assertThat(answer.getInResponseToFirstRep().getReference()).isEqualTo("Communication/r-1-5");
        assertThat(answer.getSender().getReference()).isEqualTo("Organization/" + GP);
        assertThat(all(projector.project(referral.first(7)), Communication.class)).isEmpty();
    }

    @Test
    void anInterimNotePointsAtItsRecords() {
        Communication note = one(projector.project(referral.first(12)), Communication.class);

        assertThat(note.getPayload()).hasSize(2);
        assertThat(((Reference) note.getPayload().get(1).getContent()).getReference())
                .isEqualTo("DocumentReference/" + RECORD);
    }

    @Test
    void theOutcomeIsTheTasksOutputWithItsRecordsAndTheReferralBack() {
        Task task = one(projector.project(referral.events()), Task.class);

        assertThat(task.getOutput()).extracting(o -> o.getType().getCodingFirstRep().getCode())
                .containsExactly("consult-report", "feedback-document", "consult-report-record", "referred-back");
        assertThat(task.getOutput().get(0).getValue().primitiveValue()).contains("Benign");
        assertThat(((Reference) task.getOutput().get(1).getValue()).getReference())
                .matches("DocumentReference/" + REFERRAL + "-feedback-[0-9]+");
        assertThat(((Reference) task.getOutput().get(2).getValue()).getReference()).isEqualTo("DocumentReference/" + RECORD);
        assertThat(((Reference) task.getOutput().get(3).getValue()).getReference()).isEqualTo("ServiceRequest/r-2");
    }

    @Test
    void theOutcomeIsAFeedbackDocumentMadeOnceByTheChangeThatSentIt() {
        Task task = one(projector.project(referral.events()), Task.class);
        String feedbackId = ((Reference) task.getOutput().get(1).getValue()).getReferenceElement().getIdPart();
        int sentBy = Integer.parseInt(feedbackId.substring(feedbackId.lastIndexOf('-') + 1));

        List<DocumentReference> made = all(projector.project(referral.first(sentBy)), DocumentReference.class);
        List<DocumentReference> later = all(projector.project(referral.events()), DocumentReference.class);

        assertThat(made).hasSize(1);
        DocumentReference feedback = made.get(0);
        assertThat(feedback.getIdElement().getIdPart()).isEqualTo(feedbackId);
        assertThat(feedback.getType().getCodingFirstRep().getCode()).isEqualTo("11488-4");
        assertThat(new String(feedback.getContentFirstRep().getAttachment().getData(),
                java.nio.charset.StandardCharsets.UTF_8)).contains("Benign");
        assertThat(feedback.getContext().getRelated()).extracting(Reference::getReference)
                .contains("ServiceRequest/" + REFERRAL, "DocumentReference/" + RECORD);
        assertThat(later).as("made by one change, never changed").isEmpty();
    }

    @Test
    void requesterAndOwnerAreThePersonsWhoSentAndTookOnTheReferralUntilItIsForwarded() {
        History byPeople = referral("r-7").byPerson("tom.okafor", "Dr Tom Okafor, general practitioner", GP)
                .then(referralSent("r-7", GP, DERM, null))
                .byPerson("ana.reyes", "Dr Ana Reyes, dermatologist", DERM).then(accepted("r-7"));
        FhirChange accepted = projector.project(byPeople.events());
        Task forwarded = one(projector.project(byPeople.then(forwarded("r-7", DERM, CARDIO)).events()), Task.class);
        Task task = one(accepted, Task.class);

        assertThat(task.getRequester().getReference()).isEqualTo("PractitionerRole/" + GP + ".tom.okafor");
        assertThat(task.getRequester().getDisplay()).isEqualTo("Dr Tom Okafor");
        assertThat(one(accepted, ServiceRequest.class).getRequester().getReference())
                .isEqualTo("PractitionerRole/" + GP + ".tom.okafor");
        assertThat(task.getOwner().getReference()).isEqualTo("PractitionerRole/" + DERM + ".ana.reyes");
        assertThat(forwarded.getOwner().getReference()).as("nobody at the new recipient has taken it on yet")
                .isEqualTo("Organization/" + CARDIO);
        assertThat(forwarded.getRequester().getReference()).isEqualTo("PractitionerRole/" + GP + ".tom.okafor");
    }

    @Test
    void taskAndOrderClaimBsersProfilesWithThePlacersNumberAndFulfil() {
        FhirChange sent = projector.project(referral.first(1));
        Task task = one(sent, Task.class);
        ServiceRequest order = one(sent, ServiceRequest.class);

        assertThat(task.getMeta().getProfile()).extracting(p -> p.getValue())
                .containsExactly("http://hl7.org/fhir/us/bser/StructureDefinition/ReferralTask");
        assertThat(order.getMeta().getProfile()).extracting(p -> p.getValue())
                .containsExactly("http://hl7.org/fhir/us/bser/StructureDefinition/ReferralServiceRequest");
        assertThat(task.getCode().getCodingFirstRep().getSystem()).isEqualTo("http://hl7.org/fhir/CodeSystem/task-code");
        assertThat(task.getCode().getCodingFirstRep().getCode()).isEqualTo("fulfill");
        for (var identifier : List.of(task.getIdentifierFirstRep(), order.getIdentifierFirstRep())) {
            assertThat(identifier.getType().getCodingFirstRep().getCode()).isEqualTo("PLAC");
            assertThat(identifier.getValue()).isEqualTo(order.getIdentifierFirstRep().getValue()).isNotBlank();
            assertThat(identifier.getAssigner().getReference()).isEqualTo("Organization/" + GP);
        }
        assertThat(order.getOccurrenceDateTimeType().getValueAsString()).as("when triage is due")
                .startsWith("2025-03-04T09:00:00");
    }

    @Test
    void aReferralBackIsBasedOnTheOriginalOrder() {
        ServiceRequest back = one(projector.project(Histories.referBack().events()), ServiceRequest.class);

        assertThat(back.getBasedOnFirstRep().getReference()).isEqualTo("ServiceRequest/" + REFERRAL);
        assertThat(back.getRequester().getReference()).isEqualTo("Organization/" + CARDIO);
    }

    @Test
    void aDeclineSaysWhyAndAMissedServiceLevelIsFlagged() {
        Task declined = one(projector.project(Histories.declinedReferral().events()), Task.class);
        Task overdue = one(projector.project(referral.first(2)), Task.class);

        assertThat(declined.getStatusReason().getText()).isEqualTo("Outside our catchment area");
        assertThat(overdue.getMeta().getTag()).extracting(c -> c.getCode()).containsExactly("overdue");
        assertThat(overdue.getExtensionByUrl("https://careloop.dev/fhir/StructureDefinition/referral-triage-due")
                .getValue().primitiveValue()).startsWith("2025-03-04T09:00:00");
    }

    @Test
    void aVisitIsWhenTheOrderOccursUntilItIsCancelled() {
        assertThat(one(projector.project(referral.first(8)), ServiceRequest.class).getOccurrenceDateTimeType()
                .getValue().toInstant()).isEqualTo(at(60 * 48));
        // Without a visit, BSeR's one occurrence is when the referral is due to be triaged.
        assertThat(one(projector.project(referral.first(11)), ServiceRequest.class).getOccurrenceDateTimeType()
                .getValueAsString()).startsWith("2025-03-04T09:00:00");
        assertThat(one(projector.project(referral.first(11)), Task.class).getStatusReason().getText())
                .isEqualTo("Patient asked for another day");
    }

    @Test
    void aTaskOnHoldSaysWhatItAsksAndADeclineWhileOnHoldClosesTheQuestion() {
        History onHold = referral("r-5").by(GP_USER, GP).then(referralSent("r-5", GP, DERM, null))
                .by(DERM_USER, DERM).then(accepted("r-5")).then(informationRequested("r-5"));
        Task asking = one(projector.project(onHold.events()), Task.class);
        Task declined = one(projector.project(onHold.then(declined("r-5")).events()), Task.class);

        assertThat(asking.getStatus()).isEqualTo(Task.TaskStatus.ONHOLD);
        assertThat(asking.getStatusReason().getText()).isEqualTo(informationRequested("r-5").question());
        assertThat(declined.getStatus()).isEqualTo(Task.TaskStatus.REJECTED);
        assertThat(declined.getStatusReason().getText()).isEqualTo("Outside our catchment area");
    }
}
