package dev.careloop.fhir.delivery;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.careloop.fhir.BackportRules;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;

/** Partners that pull get R4 Subscriptions Backport notifications: ids only, numbered, and heartbeats. */
class RestHookDeliveryTest extends DeliveryTesting {

    @Test
    void eachChangeIsAnIdOnlyNotificationWithTheNextEventNumberAndHeartbeatsCountThem() {
        WireMockServer server = partnerServer();
        server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
        String org = unique("org");
        String partner = registerPartner(org, server, "rest-hook", List.of("Task"), null);
        String referral = unique("ref");

        change(referral, Set.of(org), "requested");
        change(referral, Set.of(org), "accepted");
        // Delivery is at least once: a notification the partner was slow to answer comes again, with its number.
        await(Duration.ofSeconds(15), () -> byEventNumber(notifications(server, "event-notification")).size() == 2,
                "two notifications");

        List<Bundle> events = List.copyOf(byEventNumber(notifications(server, "event-notification")).values());
        for (int i = 0; i < 2; i++) {
            Bundle bundle = events.get(i);
            String number = Integer.toString(i + 1);
            assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.HISTORY);
            Parameters status = (Parameters) bundle.getEntryFirstRep().getResource();
            assertThat(((Reference) status.getParameter("subscription").getValue()).getReference())
                    .isEqualTo("https://careloop.test/fhir/Subscription/" + partner);
            assertThat(status.getParameter("events-since-subscription-start").getValue().primitiveValue())
                    .isEqualTo(number);
            var event = status.getParameter().stream().filter(p -> p.getName().equals("notification-event"))
                    .findFirst().orElseThrow();
            assertThat(event.getPart().stream().filter(p -> p.getName().equals("event-number")).findFirst()
                    .orElseThrow().getValue().primitiveValue()).isEqualTo(number);
            assertThat(bundle.getEntry()).hasSize(2);
            Bundle.BundleEntryComponent focus = bundle.getEntry().get(1);
            // bdl-8: a fullUrl is never version-specific; the event's focus says which version changed.
            assertThat(focus.getFullUrl()).isEqualTo("https://careloop.test/fhir/Task/" + referral);
            assertThat(((Reference) event.getPart().stream().filter(p -> p.getName().equals("focus")).findFirst()
                    .orElseThrow().getValue()).getReference())
                    .isEqualTo("https://careloop.test/fhir/Task/" + referral + "/_history/" + number);
            // Base R4 (bdl-8 among it) and the Backport profiles' rules.
            BackportRules.assertNotification(bundle);
            assertThat(focus.getResource()).as("id-only: the partner reads the resource itself").isNull();
        }
        // Between changes the partner hears the count so far, and sees it missed none.
        await(Duration.ofSeconds(5), () -> notifications(server, "heartbeat").stream()
                .map(b -> ((Parameters) b.getEntryFirstRep().getResource())
                        .getParameter("events-since-subscription-start").getValue().primitiveValue())
                .anyMatch("2"::equals), "a heartbeat counting both events");
        assertThat(notifications(server, "heartbeat")).allSatisfy(b -> {
            assertThat(b.getEntry()).hasSize(1);
            BackportRules.assertNotification(b);
        });
    }

    /** The first notification of each event number, in number order. */
    private static SortedMap<Integer, Bundle> byEventNumber(List<Bundle> notifications) {
        SortedMap<Integer, Bundle> numbered = new TreeMap<>();
        for (Bundle bundle : notifications) {
            Parameters status = (Parameters) bundle.getEntryFirstRep().getResource();
            numbered.putIfAbsent(Integer.valueOf(status.getParameter("events-since-subscription-start").getValue()
                    .primitiveValue()), bundle);
        }
        return numbered;
    }

    private static List<Bundle> notifications(WireMockServer server, String type) {
        return successes(server).stream().map(ServeEvent::getRequest).map(DeliveryTesting::bundle)
                .filter(b -> type.equals(((Parameters) b.getEntryFirstRep().getResource()).getParameter("type")
                        .getValue().primitiveValue()))
                .toList();
    }
}
