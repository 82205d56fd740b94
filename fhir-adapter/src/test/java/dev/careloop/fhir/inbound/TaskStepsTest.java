package dev.careloop.fhir.inbound;

import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import dev.careloop.api.referral.AcceptReferral;
import dev.careloop.api.referral.AcknowledgeOutcome;
import dev.careloop.api.referral.ConfirmCancellation;
import dev.careloop.api.referral.DeclineReferral;
import dev.careloop.api.referral.ForwardReferral;
import dev.careloop.api.referral.ProvideInformation;
import dev.careloop.api.referral.ReferralStatus;
import dev.careloop.api.referral.RequestCancellation;
import dev.careloop.api.referral.RequestInformation;
import dev.careloop.api.referral.SendOutcome;
import dev.careloop.fhir.FhirValidation;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** Which command a partner's Task update is: hand-written cases, one per step. */
class TaskStepsTest {

    private final KnownOrganisations organisations = mock(KnownOrganisations.class);
    private final TaskUpdates updates = new TaskUpdates(null, organisations, null);

    @Test
    void acceptedIsAcceptReferral() {
        Task update = received().setStatus(Task.TaskStatus.ACCEPTED);

        assertThat(updates.command("r-1", received(), update)).isEqualTo(new AcceptReferral("r-1"));
        FhirValidation.assertValid(update);
    }

    @Test
    void rejectedWithAReasonIsDeclineReferral() {
        Task update = received().setStatus(Task.TaskStatus.REJECTED)
                .setStatusReason(new CodeableConcept().setText("Outside our catchment area"));

        assertThat(updates.command("r-1", received(), update))
                .isEqualTo(new DeclineReferral("r-1", "Outside our catchment area"));
    }

    @Test
    void rejectedWithoutAReasonNamesTheStatusReason() {
        Task update = received().setStatus(Task.TaskStatus.REJECTED);

        assertThatThrownBy(() -> updates.command("r-1", received(), update))
                .isInstanceOf(UnprocessableEntityException.class)
                .satisfies(e -> assertThat(((OperationOutcome) ((UnprocessableEntityException) e).getOperationOutcome())
                        .getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("Task.statusReason"));
    }

    @Test
    void onHoldWithAQuestionIsRequestInformation() {
        Task update = received().setStatus(Task.TaskStatus.ONHOLD)
                .setStatusReason(new CodeableConcept().setText("Any family history?"));

        assertThat(updates.command("r-1", received(), update))
                .isEqualTo(new RequestInformation("r-1", "Any family history?"));
    }

    @Test
    void completedWithTheReportAndRecordsIsSendOutcome() {
        Task update = received().setStatus(Task.TaskStatus.COMPLETED);
        update.addOutput().setType(new CodeableConcept().setText("Consult report")).setValue(new StringType("Benign"));
        update.addOutput().setType(new CodeableConcept().setText("Record"))
                .setValue(new Reference("DocumentReference/rec-9"));

        assertThat(updates.command("r-1", accepted(), update))
                .isEqualTo(new SendOutcome("r-1", "Benign", List.of("rec-9")));
        FhirValidation.assertValid(update);
    }

    @Test
    void cancelledIsConfirmCancellation() {
        assertThat(updates.command("r-1", received(), received().setStatus(Task.TaskStatus.CANCELLED)))
                .isEqualTo(new ConfirmCancellation("r-1"));
    }

    @Test
    void cancellationRequestedBusinessStatusIsRequestCancellation() {
        Task current = accepted().setStatus(Task.TaskStatus.INPROGRESS);
        Task update = accepted().setStatus(Task.TaskStatus.INPROGRESS)
                .setBusinessStatus(new CodeableConcept(new Coding(ReferralStatus.BUSINESS_STATUS_SYSTEM, "5.2", null)))
                .setStatusReason(new CodeableConcept().setText("Patient moved away"));

        assertThat(updates.command("r-1", current, update))
                .isEqualTo(new RequestCancellation("r-1", "Patient moved away"));
    }

    @Test
    void leavingOnHoldWithANewNoteIsTheInitiatorsAnswer() {
        Task onHold = accepted().setStatus(Task.TaskStatus.ONHOLD)
                .setStatusReason(new CodeableConcept().setText("Any family history?"));
        Task update = onHold.copy().setStatus(Task.TaskStatus.INPROGRESS);
        update.addNote().setText("Mother had melanoma");

        assertThat(updates.command("r-1", onHold, update))
                .isEqualTo(new ProvideInformation("r-1", "Mother had melanoma"));
        FhirValidation.assertValid(update);
    }

    @Test
    void leavingOnHoldWithoutAnAnswerNamesTheNote() {
        Task onHold = accepted().setStatus(Task.TaskStatus.ONHOLD);

        assertThatThrownBy(() -> updates.command("r-1", onHold, onHold.copy().setStatus(Task.TaskStatus.INPROGRESS)))
                .isInstanceOf(UnprocessableEntityException.class)
                .satisfies(e -> assertThat(((OperationOutcome) ((UnprocessableEntityException) e).getOperationOutcome())
                        .getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("Task.note"));
    }

    @Test
    void theLoopClosedCodeOnACompletedTaskIsAcknowledgeOutcome() {
        Task completed = received().setStatus(Task.TaskStatus.COMPLETED).setBusinessStatus(new CodeableConcept(
                new Coding("http://hl7.org/fhir/us/bser/CodeSystem/TaskBusinessStatusCS", "7.0", null)));
        Task update = completed.copy();
        update.getBusinessStatus().addCoding(new Coding(ReferralStatus.BUSINESS_STATUS_SYSTEM, "loop-closed", null));

        assertThat(updates.command("r-1", completed, update)).isEqualTo(new AcknowledgeOutcome("r-1"));
    }

    @Test
    void bsersCancellationRequestedCodeIsRequestCancellation() {
        Task update = accepted().setStatusReason(new CodeableConcept().setText("Patient moved away"))
                .setBusinessStatus(new CodeableConcept(
                        new Coding("http://hl7.org/fhir/us/bser/CodeSystem/TaskBusinessStatusCS", "5.2", null)));

        assertThat(updates.command("r-1", accepted(), update))
                .isEqualTo(new RequestCancellation("r-1", "Patient moved away"));
    }

    @Test
    void completedWithAContainedFeedbackDocumentIsSendOutcome() {
        Task update = accepted().setStatus(Task.TaskStatus.COMPLETED);
        DocumentReference report = new DocumentReference().setStatus(Enumerations.DocumentReferenceStatus.CURRENT);
        report.setId("report");
        report.addContent().setAttachment(new Attachment().setContentType("text/plain")
                .setData("Benign naevus".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        update.addContained(report);
        update.addOutput().setType(new CodeableConcept().setText("Referral feedback")).setValue(new Reference("#report"));

        assertThat(updates.command("r-1", accepted(), update)).isEqualTo(new SendOutcome("r-1", "Benign naevus",
                List.of()));
        FhirValidation.assertValid(update);
    }

    @Test
    void theOwnersPractitionerRoleSentBackUnchangedIsNoForward() {
        Task current = accepted().setOwner(new Reference("PractitionerRole/riverside-derm.ana.reyes"));

        assertThat(updates.command("r-1", current, current.copy())).isNull();
    }

    @Test
    void anotherOwnerIsForwardReferral() {
        when(organisations.contains("lakeside-cardio")).thenReturn(true);
        Task update = received().setOwner(new Reference("Organization/lakeside-cardio"))
                .setStatusReason(new CodeableConcept().setText("Cardiac symptoms first"));

        assertThat(updates.command("r-1", received(), update))
                .isEqualTo(new ForwardReferral("r-1", "lakeside-cardio", "Cardiac symptoms first"));
    }

    @Test
    void aStatusNoPartnerStepLeadsToIsAConflict() {
        assertThatThrownBy(() -> updates.command("r-1", received(), received().setStatus(Task.TaskStatus.READY)))
                .isInstanceOf(ResourceVersionConflictException.class);
    }

    @Test
    void twoStepsAtOnceAreRefused() {
        when(organisations.contains("lakeside-cardio")).thenReturn(true);
        Task update = received().setStatus(Task.TaskStatus.ACCEPTED)
                .setOwner(new Reference("Organization/lakeside-cardio"));

        assertThatThrownBy(() -> updates.command("r-1", received(), update))
                .isInstanceOf(UnprocessableEntityException.class);
    }

    @Test
    void anUnchangedTaskIsNoStep() {
        assertThat(updates.command("r-1", received(), received())).isNull();
    }

    @Test
    void ifMatchIsTheVersion() {
        assertThat(TaskUpdates.version("W/\"3\"")).isEqualTo(3L);
        assertThat(TaskUpdates.version("\"3\"")).isEqualTo(3L);
        assertThat(TaskUpdates.version(null)).isNull();
        assertThat(TaskUpdates.version("*")).isNull();
    }

    private static Task received() {
        Task task = new Task();
        task.setId("r-1");
        task.setStatus(Task.TaskStatus.RECEIVED);
        task.setIntent(Task.TaskIntent.ORDER);
        task.setFocus(new Reference("ServiceRequest/r-1"));
        task.setRequester(new Reference("Organization/northside-gp"));
        task.setOwner(new Reference("Organization/riverside-derm"));
        return task;
    }

    private static Task accepted() {
        return received().setStatus(Task.TaskStatus.ACCEPTED);
    }
}
