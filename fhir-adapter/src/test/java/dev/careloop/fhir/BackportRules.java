package dev.careloop.fhir;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The R4 Subscriptions Backport IG's rules for what CareLoop sends and answers, written out by hand from the IG's
 * profiles (backport-subscription-notification-r4, backport-subscription-status-r4; IG 1.1.0, input/fsh) since their
 * StructureDefinitions are not to be had offline. Base R4 (bdl-8 and the rest) is {@link FhirValidation}'s.
 */
public final class BackportRules {

    public static final String NOTIFICATION_PROFILE =
            "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-notification-r4";
    public static final String STATUS_PROFILE =
            "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-status-r4";
    private static final Set<String> STATUSES = Set.of("requested", "active", "error", "off");
    private static final Set<String> TYPES = Set.of("handshake", "heartbeat", "event-notification", "query-status",
            "query-event");
    /** The slices of SubscriptionStatus and their cardinalities (min, max; -1: *). */
    private static final Map<String, int[]> PARAMETERS = Map.of("subscription", new int[] {1, 1},
            "topic", new int[] {0, 1}, "status", new int[] {1, 1}, "type", new int[] {1, 1},
            "events-since-subscription-start", new int[] {0, 1}, "notification-event", new int[] {0, -1},
            "error", new int[] {0, -1});

    private BackportRules() {
    }

    /** A notification Bundle: every rule of the profile, then base R4 with 0 errors. */
    public static void assertNotification(Bundle bundle) {
        assertThat(bundle.getType()).as("Bundle.type").isEqualTo(Bundle.BundleType.HISTORY);
        assertThat(bundle.getMeta().getProfile()).as("Bundle.meta.profile")
                .anyMatch(p -> NOTIFICATION_PROFILE.equals(p.getValue()));
        assertThat(bundle.getEntry()).as("Bundle.entry").isNotEmpty();
        // backport-notification-bundle-r4-1: a Parameters (the SubscriptionStatus) first, and only there.
        assertThat(bundle.getEntryFirstRep().getResource()).as("the first entry").isInstanceOf(Parameters.class);
        assertThat(bundle.getEntry().stream().skip(1).filter(e -> e.getResource() instanceof Parameters))
                .as("SubscriptionStatus entries (1..1)").isEmpty();
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            assertThat(entry.getFullUrl()).as("bdl-8: fullUrl cannot be a version specific reference")
                    .doesNotContain("/_history/");
            assertThat(entry.hasRequest() && entry.hasResponse()).as("history entries have request and response")
                    .isTrue();
        }
        assertStatus((Parameters) bundle.getEntryFirstRep().getResource());
        FhirValidation.assertValid(bundle);
    }

    /** A SubscriptionStatus (a notification's first entry, or a $status answer's). */
    public static void assertStatus(Parameters status) {
        assertThat(status.getMeta().getProfile()).as("Parameters.meta.profile")
                .anyMatch(p -> STATUS_PROFILE.equals(p.getValue()));
        PARAMETERS.forEach((name, cardinality) -> {
            long n = status.getParameter().stream().filter(p -> name.equals(p.getName())).count();
            assertThat(n).as("parameter " + name).isGreaterThanOrEqualTo(cardinality[0]);
            if (cardinality[1] >= 0) {
                assertThat(n).as("parameter " + name).isLessThanOrEqualTo(cardinality[1]);
            }
        });
        assertThat(((Reference) status.getParameter("subscription").getValue()).getReference())
                .as("subscription: Reference(Subscription)").contains("Subscription/");
        assertThat(status.getParameter("status").getValue().primitiveValue()).as("status").isIn(STATUSES);
        assertThat(status.getParameter("type").getValue().primitiveValue()).as("type").isIn(TYPES);
        if (status.getParameter("events-since-subscription-start") != null) {
            assertThat(status.getParameter("events-since-subscription-start").getValue())
                    .as("events-since-subscription-start").isInstanceOf(StringType.class);
            assertThat(status.getParameter("events-since-subscription-start").getValue().primitiveValue())
                    .matches("[0-9]+");
        }
        List<String> problems = new ArrayList<>();
        for (Parameters.ParametersParameterComponent p : status.getParameter()) {
            if ("notification-event".equals(p.getName())) {
                assertEvent(p);
            } else if ("error".equals(p.getName()) && !(p.getValue() instanceof CodeableConcept)) {
                problems.add("error is a CodeableConcept");
            }
        }
        assertThat(problems).isEmpty();
    }

    private static void assertEvent(Parameters.ParametersParameterComponent event) {
        List<Parameters.ParametersParameterComponent> parts = event.getPart();
        assertThat(parts.stream().filter(p -> "event-number".equals(p.getName())))
                .as("notification-event.event-number (1..1)").hasSize(1)
                .allSatisfy(p -> assertThat(p.getValue()).isInstanceOf(StringType.class));
        assertThat(parts.stream().filter(p -> "timestamp".equals(p.getName())).count()).as("timestamp (0..1)")
                .isLessThanOrEqualTo(1);
        assertThat(parts.stream().filter(p -> "timestamp".equals(p.getName())))
                .allSatisfy(p -> assertThat(p.getValue()).isInstanceOf(InstantType.class));
        assertThat(parts.stream().filter(p -> "focus".equals(p.getName())).count()).as("focus (0..1)")
                .isLessThanOrEqualTo(1);
        assertThat(parts.stream().filter(p -> "focus".equals(p.getName()) || "additional-context".equals(p.getName())))
                .allSatisfy(p -> assertThat(p.getValue()).isInstanceOf(Reference.class));
    }
}
