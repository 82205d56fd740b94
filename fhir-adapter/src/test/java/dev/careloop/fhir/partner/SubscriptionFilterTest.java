package dev.careloop.fhir.partner;

import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SubscriptionFilterTest {

    private static Task task(String id, Task.TaskStatus status, String owner) {
        Task task = new Task().setStatus(status).setOwner(new Reference("Organization/" + owner));
        task.setId(id);
        return task;
    }

    @Test
    void everyParameterMustMatchAndAnyOfAParametersValues() {
        SubscriptionFilter filter = SubscriptionFilter.parse(
                "Task?status=completed,cancelled&owner=Organization/riverside-derm&patient=p-1");

        assertThat(filter.matches(task("r1", Task.TaskStatus.COMPLETED, "riverside-derm"), "p-1")).isTrue();
        assertThat(filter.matches(task("r1", Task.TaskStatus.CANCELLED, "riverside-derm"), "p-1")).isTrue();
        assertThat(filter.matches(task("r1", Task.TaskStatus.ACCEPTED, "riverside-derm"), "p-1")).isFalse();
        assertThat(filter.matches(task("r1", Task.TaskStatus.COMPLETED, "lakeside-cardio"), "p-1")).isFalse();
        assertThat(filter.matches(task("r1", Task.TaskStatus.COMPLETED, "riverside-derm"), "p-2")).isFalse();
        assertThat(filter.matches(new Provenance(), "p-1")).as("another type").isFalse();
    }

    @Test
    void aFilterWithoutParametersTakesItsWholeTypeAndBesideOthersOfItsTypeWidensThem() {
        Notifying notifying = new Notifying(null, PayloadContent.ID_ONLY, null, true,
                List.of(SubscriptionFilter.parse("Task?status=completed"), SubscriptionFilter.parse("Task?")));
        assertThat(notifying.passes(task("r1", Task.TaskStatus.ACCEPTED, "riverside-derm"), "p-1")).isTrue();

        Notifying narrow = new Notifying(null, PayloadContent.ID_ONLY, null, true,
                List.of(SubscriptionFilter.parse("Task?status=completed")));
        assertThat(narrow.passes(task("r1", Task.TaskStatus.ACCEPTED, "riverside-derm"), "p-1")).isFalse();
        assertThat(narrow.passes(new Provenance(), "p-1")).as("a type no filter narrows").isTrue();
    }

    @Test
    void aReferenceIsTakenWithOrWithoutItsTypeAndShownBackWithIt() {
        assertThat(SubscriptionFilter.parse("ServiceRequest?requester=northside-gp&patient=Patient/p-1").criteria())
                .isEqualTo("ServiceRequest?requester=Organization/northside-gp&patient=Patient/p-1");
        assertThat(SubscriptionFilter.parse("Task").criteria()).isEqualTo("Task?");
        assertThat(SubscriptionFilter.parse("Task?status=on-hold%2Ccompleted").parameters().get("status"))
                .containsExactly("on-hold", "completed");
    }

    @Test
    void whatCannotBeAppliedIsRefusedSayingWhy() {
        assertThatThrownBy(() -> SubscriptionFilter.parse("Task?code=3457005"))
                .hasMessageContaining("'code' is not a parameter CareLoop filters Task by (_id, patient, status, "
                        + "owner, requester)");
        assertThatThrownBy(() -> SubscriptionFilter.parse("Provenance?status=completed"))
                .hasMessageContaining("not a parameter");
        assertThatThrownBy(() -> SubscriptionFilter.parse("Task?owner=Patient/1"))
                .hasMessageContaining("is not a reference to an Organization (Organization/{id}) or its id");
        assertThatThrownBy(() -> SubscriptionFilter.parse("Task?status=")).hasMessageContaining("status code");
        assertThatThrownBy(() -> SubscriptionFilter.parse("Task?status=a&status=b")).hasMessageContaining("twice");
        assertThatThrownBy(() -> SubscriptionFilter.parse("Task?status=%zz")).hasMessageContaining("%-escape");
        assertThatThrownBy(() -> SubscriptionFilter.parse("Task?\u0000=1")).hasMessageContaining("(a parameter)");
        assertThatThrownBy(() -> SubscriptionFilter.parse("task?")).hasMessageContaining("resource type");
        assertThatThrownBy(() -> SubscriptionFilter.parse("Task?_id=" + "x".repeat(2000)))
                .hasMessageContaining("longer than");
    }
}
