package dev.careloop.fhir;

import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FhirValidationTest {

    @Test
    void aTaskWithoutStatusOrIntentIsRejected() {
        Task task = new Task();
        task.setId("broken");
        task.setFor(new Reference("Patient/p1"));

        assertThat(FhirValidation.problems(task)).extracting(m -> m.getMessage())
                .anySatisfy(m -> assertThat(m).contains("Task.status"))
                .anySatisfy(m -> assertThat(m).contains("Task.intent"));
        assertThatThrownBy(() -> FhirValidation.assertValid(task)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("Task.status");
    }

    @Test
    void aReferenceToATypeTheElementDoesNotAllowIsRejected() {
        Task task = new Task().setStatus(Task.TaskStatus.RECEIVED).setIntent(Task.TaskIntent.ORDER);
        task.setId("wrong-owner");
        task.setOwner(new Reference("Observation/o1").setType("Observation"));

        assertThatThrownBy(() -> FhirValidation.assertValid(task)).hasMessageContaining("Task.owner");
    }

    @Test
    void aMinimalTaskIsValid() {
        Task task = new Task().setStatus(Task.TaskStatus.RECEIVED).setIntent(Task.TaskIntent.ORDER);
        task.setId("fine");

        FhirValidation.assertValid(task);
    }
}
