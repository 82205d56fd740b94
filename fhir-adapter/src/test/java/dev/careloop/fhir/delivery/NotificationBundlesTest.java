package dev.careloop.fhir.delivery;

import dev.careloop.fhir.BackportRules;
import dev.careloop.fhir.FhirValidation;
import dev.careloop.fhir.partner.DeliveryMode;
import dev.careloop.fhir.partner.Notifying;
import dev.careloop.fhir.partner.Partner;
import dev.careloop.fhir.partner.PartnerAuth;
import dev.careloop.fhir.partner.PartnerSubscription;
import dev.careloop.fhir.partner.PayloadContent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every kind of notification Bundle CareLoop sends or answers (handshake, heartbeat, event-notification in each
 * payload content, query-event) and the $status Parameters keep the Backport profiles' rules and are valid R4.
 */
class NotificationBundlesTest {

    private static final String BASE = "https://careloop.test/fhir";
    private static final String TOPIC = "https://careloop.dev/fhir/SubscriptionTopic/referral-changes";
    private static final Instant RECORDED = Instant.parse("2026-12-04T10:15:30Z");

    @Test
    void aHandshakeSaysRequestedAndCountsNoEvent() {
        Bundle handshake = parse(Bundles.handshake(subscriber(PayloadContent.ID_ONLY), BASE, TOPIC));
        BackportRules.assertNotification(handshake);
        Parameters status = status(handshake);
        assertThat(status.getParameter("type").getValue().primitiveValue()).isEqualTo("handshake");
        assertThat(status.getParameter("status").getValue().primitiveValue()).isEqualTo("requested");
        assertThat(status.getParameter("events-since-subscription-start").getValue().primitiveValue()).isEqualTo("0");
        assertThat(handshake.getEntry()).hasSize(1);
    }

    @Test
    void aHeartbeatCountsTheEventsSoFar() {
        Bundle heartbeat = parse(Bundles.heartbeat(subscriber(PayloadContent.ID_ONLY), BASE, TOPIC, 7));
        BackportRules.assertNotification(heartbeat);
        assertThat(status(heartbeat).getParameter("events-since-subscription-start").getValue().primitiveValue())
                .isEqualTo("7");
        assertThat(status(heartbeat).getParameter("type").getValue().primitiveValue()).isEqualTo("heartbeat");
    }

    @Test
    void anIdOnlyNotificationNamesTheVersionInItsFocusAndNeverInAFullUrl() {
        Bundle bundle = parse(Bundles.notification(subscriber(PayloadContent.ID_ONLY), BASE, TOPIC, 3, RECORDED,
                List.of(task(), provenance())));
        BackportRules.assertNotification(bundle);
        Parameters.ParametersParameterComponent event = status(bundle).getParameter().stream()
                .filter(p -> p.getName().equals("notification-event")).findFirst().orElseThrow();
        assertThat(event.getPart()).extracting(Parameters.ParametersParameterComponent::getName)
                .containsExactly("event-number", "timestamp", "focus", "additional-context");
        assertThat(((Reference) event.getPart().get(2).getValue()).getReference())
                .isEqualTo(BASE + "/Task/ref-1/_history/3");
        assertThat(bundle.getEntry().stream().skip(1).map(Bundle.BundleEntryComponent::getFullUrl))
                .containsExactly(BASE + "/Task/ref-1", BASE + "/Provenance/ref-1-3");
        assertThat(bundle.getEntry().stream().skip(1)).allSatisfy(e -> assertThat(e.getResource()).isNull());
    }

    @Test
    void aFullResourceNotificationCarriesEachResourceWithAbsoluteAttachmentUrls() {
        DocumentReference record = new DocumentReference();
        record.setId("rec-1");
        record.getMeta().setVersionId("2");
        record.setStatus(Enumerations.DocumentReferenceStatus.CURRENT);
        record.addContent().getAttachment().setContentType("application/pdf").setUrl("/api/records/rec-1/content");
        Bundle bundle = parse(Bundles.notification(subscriber(PayloadContent.FULL_RESOURCE), BASE, TOPIC, 1,
                RECORDED, List.of(task(), record)));
        BackportRules.assertNotification(bundle);
        assertThat(bundle.getEntry().get(1).getResource()).isInstanceOf(Task.class);
        DocumentReference sent = (DocumentReference) bundle.getEntry().get(2).getResource();
        assertThat(sent.getContentFirstRep().getAttachment().getUrl())
                .isEqualTo("https://careloop.test/api/records/rec-1/content");
        assertThat(status(bundle).getParameter("topic")).isNotNull();
    }

    @Test
    void anEmptyNotificationCarriesTheEventNumberAndNoResourceNorTopic() {
        Bundle bundle = parse(Bundles.notification(subscriber(PayloadContent.EMPTY), BASE, TOPIC, 4, RECORDED,
                List.of(task())));
        BackportRules.assertNotification(bundle);
        assertThat(bundle.getEntry()).hasSize(1);
        assertThat(status(bundle).getParameter("topic")).isNull();
    }

    @Test
    void eventsAndStatusAnswersKeepTheProfilesToo() {
        PartnerSubscription subscription = new PartnerSubscription(subscriber(PayloadContent.ID_ONLY), "error",
                List.of("Task?"), "test", null, "handshake failed: HTTP 503", 3, RECORDED, false);
        Bundle events = Bundles.queryEvents(subscription, BASE, TOPIC, 2, List.of(
                new Bundles.Event(1, RECORDED, List.of(Bundles.Focus.of(task()))),
                new Bundles.Event(2, RECORDED, List.of(new Bundles.Focus("Task", "ref-1", "4", null)))),
                PayloadContent.ID_ONLY);
        BackportRules.assertNotification(parse(Bundles.json().encodeResourceToString(events)));
        assertThat(status(events).getParameter("type").getValue().primitiveValue()).isEqualTo("query-event");
        // The same resource once per event: allowed in a history Bundle.
        assertThat(events.getEntry().stream().skip(1).map(Bundle.BundleEntryComponent::getFullUrl))
                .containsExactly(BASE + "/Task/ref-1", BASE + "/Task/ref-1");

        Parameters status = Bundles.queryStatus(subscription, BASE, TOPIC, 2);
        BackportRules.assertStatus(status);
        FhirValidation.assertValid(status);
        assertThat(status.getParameter("error").getValue()).isNotNull();
    }

    @Test
    void theProfilesRefuseANotificationThatBreaksTheirRules() {
        Bundle bundle = parse(Bundles.notification(subscriber(PayloadContent.ID_ONLY), BASE, TOPIC, 3, RECORDED,
                List.of(task())));
        Parameters status = status(bundle);
        status.getParameter().removeIf(p -> p.getName().equals("subscription"));
        status.getParameter().stream().filter(p -> p.getName().equals("status")).forEach(p ->
                p.setValue(new org.hl7.fhir.r4.model.CodeType("paused")));
        status.getParameter().stream().filter(p -> p.getName().equals("notification-event")).forEach(p ->
                p.addPart().setName("focus").setValue(new Reference(BASE + "/Task/other/_history/1")));
        assertThat(FhirValidation.problems(bundle)).extracting(m -> m.getMessage())
                .anyMatch(m -> m.contains("backport-status-subscription"))
                .anyMatch(m -> m.contains("backport-status-status"))
                .anyMatch(m -> m.contains("backport-status-event"));

        Bundle reordered = parse(Bundles.notification(subscriber(PayloadContent.ID_ONLY), BASE, TOPIC, 3, RECORDED,
                List.of(task())));
        java.util.Collections.reverse(reordered.getEntry());
        assertThat(FhirValidation.problems(reordered)).extracting(m -> m.getMessage())
                .anyMatch(m -> m.contains("backport-notification-bundle-r4-1"));
    }

    private static Partner subscriber(PayloadContent content) {
        return new Partner("sub-1", "riverside-derm", "https://ehr.example/hook", DeliveryMode.REST_HOOK,
                Set.of("Task", "Provenance", "DocumentReference"), PartnerAuth.none(), true, 0, RECORDED,
                new Notifying(TOPIC, content, Duration.ofSeconds(60), true, List.of()));
    }

    private static Task task() {
        Task task = new Task();
        task.setId("ref-1");
        task.getMeta().setVersionId("3").setLastUpdated(Date.from(RECORDED));
        task.setStatus(Task.TaskStatus.ACCEPTED);
        task.setIntent(Task.TaskIntent.ORDER);
        return task;
    }

    private static Resource provenance() {
        Provenance provenance = new Provenance();
        provenance.setId("ref-1-3");
        provenance.getMeta().setVersionId("1");
        provenance.addTarget(new Reference("Task/ref-1/_history/3"));
        provenance.setRecorded(Date.from(RECORDED));
        provenance.addAgent().setWho(new Reference().setDisplay("riverside-derm"));
        return provenance;
    }

    private static Bundle parse(String json) {
        return Bundles.json().parseResource(Bundle.class, json);
    }

    private static Parameters status(Bundle bundle) {
        return (Parameters) bundle.getEntryFirstRep().getResource();
    }
}
