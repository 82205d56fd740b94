package dev.careloop.fhir.mapping;

import ca.uhn.fhir.parser.IParser;
import dev.careloop.fhir.TestEvents.History;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.careloop.fhir.TestEvents.*;
import static dev.careloop.fhir.mapping.Resources.one;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** vread from the log: the first n events give version n, as it was after the n-th change. */
class VersionsTest {

    private final R4ChangeProjector projector = new R4ChangeProjector();

    @Test
    void theFirstNEventsGiveVersionNAtTheTimeOfTheNthChange() {
        History history = Histories.longReferral();
        for (int n = 1; n <= history.size(); n++) {
            FhirChange change = projector.project(history.first(n));

            assertThat(change.version()).isEqualTo(n);
            assertThat(change.recorded()).isEqualTo(at(n - 1));
            for (Resource resource : change.resources()) {
                assertThat(resource.getMeta().getVersionId()).as(resource.fhirType() + " at " + n).isEqualTo(Long.toString(n));
                assertThat(resource.getMeta().getLastUpdated().toInstant()).isEqualTo(at(n - 1));
            }
        }
    }

    @Test
    void anEarlierVersionShowsTheStateOfThatTime() {
        History history = Histories.longReferral();

        Task beforeForward = one(projector.project(history.first(2)), Task.class);
        Task afterForward = one(projector.project(history.first(3)), Task.class);
        Task onHold = one(projector.project(history.first(5)), Task.class);
        Task closed = one(projector.project(history.first(15)), Task.class);

        assertThat(beforeForward.getOwner().getReference()).isEqualTo("Organization/" + DERM);
        assertThat(afterForward.getOwner().getReference()).isEqualTo("Organization/" + CARDIO);
        assertThat(onHold.getStatus()).isEqualTo(Task.TaskStatus.ONHOLD);
        assertThat(closed.getBusinessStatus().getText()).contains("loop closed");
        assertThat(one(projector.project(history.first(7)), ServiceRequest.class).getSupportingInfo())
                .extracting(r -> r.getReference()).containsExactly("DocumentReference/" + RECORD);
        assertThat(one(projector.project(history.first(6)), ServiceRequest.class).getSupportingInfo()).isEmpty();
    }

    @Test
    void theSameHistoryGivesTheSameJson() {
        for (History history : Histories.all()) {
            for (int n = 1; n <= history.size(); n++) {
                // Two histories built independently: equal events, not the same objects.
                List<String> once = json(projector.project(history.first(n)));
                List<String> again = json(projector.project(rebuilt(history.aggregateId()).first(n)));
                assertThat(again).isEqualTo(once);
            }
        }
    }

    @Test
    void idsAreTheAggregatesOwn() {
        FhirChange change = projector.project(Histories.longReferral().first(5));

        assertThat(change.resources()).extracting(r -> r.fhirType() + "/" + r.getIdElement().getIdPart())
                .containsExactly("ServiceRequest/" + REFERRAL, "Task/" + REFERRAL, "Communication/" + REFERRAL + "-5",
                        "Provenance/" + REFERRAL + "-5");
    }

    @Test
    void aHistoryThatDoesNotStartAtTheFirstEventIsRefused() {
        List<org.axonframework.eventhandling.DomainEventMessage<?>> events = Histories.longReferral().events();

        assertThatThrownBy(() -> projector.project(events.subList(1, 3))).isInstanceOf(IllegalArgumentException.class);
    }

    private static History rebuilt(String aggregateId) {
        return Histories.all().stream().filter(h -> h.aggregateId().equals(aggregateId)).findFirst().orElseThrow();
    }

    private static List<String> json(FhirChange change) {
        IParser parser = R4ChangeProjector.fhirContext().newJsonParser();
        return change.resources().stream().map(parser::encodeResourceToString).toList();
    }
}
