package dev.careloop.app.fhir.delivery;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.careloop.app.CareLoopIntegrationTest;
import dev.careloop.app.DemoClinics;
import dev.careloop.app.fhir.FhirClients;
import dev.careloop.fhir.inbound.R4Validator;
import dev.careloop.fhir.mapping.R4ChangeProjector;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.UnsignedIntType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A partner system subscribes itself (R4 Subscriptions Backport) with its own backend-services token: a handshake
 * makes the Subscription active, each change the organisation may see is a numbered notification, heartbeats count
 * them, {@code $status} and {@code $events} answer by the same numbers; every Bundle is valid R4. The partner's
 * endpoint is WireMock on localhost.
 */
@CareLoopIntegrationTest
class FhirSubscriptionTest {

    private static final String TOPIC = "https://careloop.dev/fhir/SubscriptionTopic/referral-changes";
    private static final String BACKPORT = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/";

    @LocalServerPort
    int port;
    @Autowired
    R4Validator validator;

    private final WireMockServer endpoint = new WireMockServer(options().dynamicPort());
    private final List<String> created = new java.util.ArrayList<>();

    @BeforeEach
    void start() {
        endpoint.start();
        endpoint.stubFor(post("/hook").willReturn(aResponse().withStatus(200)));
    }

    /** A test's Subscriptions stop with it, so that they do not retry against its stopped endpoint. */
    @AfterEach
    void stop() {
        IGenericClient riverside = FhirClients.hapi(port, "riverside-ehr");
        for (String id : created) {
            try {
                riverside.delete().resourceById("Subscription", id).execute();
            } catch (BaseServerResponseException alreadyGone) {
                // deleted by the test itself
            }
        }
        endpoint.stop();
    }

    private String create(IGenericClient client, Subscription subscription) {
        String id = client.create().resource(subscription).execute().getId().getIdPart();
        created.add(id);
        return id;
    }

    @Test
    void aPartnerSubscribesItselfAndGetsAHandshakeNumberedEventsAndHeartbeatsThatAreValidR4() {
        IGenericClient riverside = FhirClients.hapi(port, "riverside-ehr");
        String id = create(riverside, subscription(1, "id-only"));
        Subscription created = riverside.read().resource(Subscription.class).withId(id).execute();
        assertThat(created.getStatus()).isIn(Subscription.SubscriptionStatus.REQUESTED,
                Subscription.SubscriptionStatus.ACTIVE);
        assertThat(created.getChannel().getHeader()).as("the partner's secret is never shown").isEmpty();
        awaitStatus(riverside, id, Subscription.SubscriptionStatus.ACTIVE);

        Bundle handshake = notifications("handshake").get(0);
        assertThat(status(handshake).getParameter("status").getValue().primitiveValue()).isEqualTo("requested");
        assertThat(endpoint.findAll(postRequestedFor(urlEqualTo("/hook"))).get(0).getHeader("Authorization"))
                .isEqualTo("Bearer partner-secret");

        var referral = DemoClinics.at(port).sendReferral(DemoClinics.DERM);
        assertThat(DemoClinics.at(port).derm().post("/api/referrals/" + referral.id() + "/accept", null).status())
                .isEqualTo(200);
        FhirClients.await(Duration.ofSeconds(30), () -> byNumber().size() >= 2, "two event notifications");
        Map<Integer, Bundle> events = byNumber();
        for (int n = 1; n <= 2; n++) {
            Parameters.ParametersParameterComponent event = event(status(events.get(n)));
            assertThat(part(event, "event-number")).isEqualTo(Integer.toString(n));
            assertThat(((Reference) event.getPart().stream().filter(p -> p.getName().equals("focus")).findFirst()
                    .orElseThrow().getValue()).getReference()).endsWith("/Task/" + referral.id() + "/_history/" + n);
            assertThat(events.get(n).getEntry().get(1).getResource()).as("id-only").isNull();
        }
        FhirClients.await(Duration.ofSeconds(10), () -> notifications("heartbeat").stream().anyMatch(b ->
                "2".equals(status(b).getParameter("events-since-subscription-start").getValue().primitiveValue())),
                "a heartbeat counting both events");
        for (String type : List.of("handshake", "event-notification", "heartbeat")) {
            notifications(type).forEach(b -> FhirClients.assertValid(validator, b));
        }

        Bundle statuses = riverside.operation().onInstance(new IdType("Subscription", id)).named("$status")
                .withNoParameters(Parameters.class).useHttpGet().returnResourceType(Bundle.class).execute();
        Parameters status = (Parameters) statuses.getEntryFirstRep().getResource();
        assertThat(status.getParameter("type").getValue().primitiveValue()).isEqualTo("query-status");
        assertThat(status.getParameter("status").getValue().primitiveValue()).isEqualTo("active");
        assertThat(status.getParameter("events-since-subscription-start").getValue().primitiveValue()).isEqualTo("2");
        // As sent: HAPI's client, parsing, makes each entry's urn:uuid fullUrl its resource's id, which no encoder
        // writes back.
        String raw = DemoClinics.at(port).client("riverside-ehr").get("/fhir/Subscription/" + id + "/$status").body();
        assertThat(validator.errors(raw)).as(raw).isEmpty();
        assertThat(raw).contains("\"resourceType\":\"Parameters\",\"id\":\"");

        Bundle search = riverside.search().forResource(Subscription.class)
                .where(Subscription.STATUS.exactly().code("active"))
                .and(Subscription.URL.matches().value(endpoint.baseUrl() + "/hook"))
                .returnBundle(Bundle.class).execute();
        assertThat(search.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart()).contains(id);

        riverside.update().resource(created.setStatus(Subscription.SubscriptionStatus.OFF)).execute();
        assertThat(riverside.read().resource(Subscription.class).withId(id).execute().getStatus())
                .isEqualTo(Subscription.SubscriptionStatus.OFF);
        riverside.delete().resourceById("Subscription", id).execute();
        assertThat(catchThrowableOfType(BaseServerResponseException.class,
                () -> riverside.read().resource(Subscription.class).withId(id).execute()).getStatusCode())
                .isEqualTo(410);
    }

    @Test
    void eventsMissedWhileTheEndpointWasDownAreRecoveredByNumberWithFullResources() {
        IGenericClient riverside = FhirClients.hapi(port, "riverside-ehr");
        String id = create(riverside, subscription(null, "id-only"));
        awaitStatus(riverside, id, Subscription.SubscriptionStatus.ACTIVE);
        endpoint.stubFor(post("/hook").willReturn(aResponse().withStatus(503)));

        var referral = DemoClinics.at(port).sendReferral(DemoClinics.DERM);
        FhirClients.await(Duration.ofSeconds(30), () -> eventsSinceStart(riverside, id) >= 1,
                "the change is numbered though its notification failed");
        assertThat(byNumber()).as("nothing reached the endpoint").isEmpty();

        Bundle recovered = riverside.operation().onInstance(new IdType("Subscription", id)).named("$events")
                .withParameter(Parameters.class, "eventsSinceNumber", new StringType("1"))
                .andParameter("eventsUntilNumber", new StringType("1"))
                .andParameter("content", new CodeType("full-resource"))
                .useHttpGet().returnResourceType(Bundle.class).execute();
        FhirClients.assertValid(validator, recovered);
        Parameters status = status(recovered);
        assertThat(status.getParameter("type").getValue().primitiveValue()).isEqualTo("query-event");
        assertThat(part(event(status), "event-number")).isEqualTo("1");
        Task task = (Task) recovered.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(Task.class::isInstance).findFirst().orElseThrow();
        assertThat(task.getIdElement().getIdPart()).isEqualTo(referral.id());
        assertThat(task.getMeta().getVersionId()).isEqualTo("1");

        // Deleted, it drops the changes that waited for it: nothing will ever take them.
        var admin = DemoClinics.at(port).admin();
        FhirClients.await(Duration.ofSeconds(30), () -> admin.get("/api/admin/partners/" + id + "/dead-letters")
                .json().size() >= 1, "the failed notification waiting as a dead letter");
        riverside.delete().resourceById("Subscription", id).execute();
        assertThat(admin.get("/api/admin/partners/" + id + "/dead-letters").json().size()).isZero();
    }

    @Test
    void anotherOrganisationsSubscriptionIsNotFound() {
        IGenericClient riverside = FhirClients.hapi(port, "riverside-ehr");
        IGenericClient northside = FhirClients.hapi(port, "northside-ehr");
        IdType id = new IdType("Subscription", create(riverside, subscription(null, "id-only")));
        Subscription created = riverside.read().resource(Subscription.class).withId(id).execute();

        List<Supplier<Object>> tries = List.of(
                () -> northside.read().resource(Subscription.class).withId(id).execute(),
                () -> northside.operation().onInstance(id).named("$status").withNoParameters(Parameters.class)
                        .useHttpGet().returnResourceType(Bundle.class).execute(),
                () -> northside.operation().onInstance(id).named("$events").withNoParameters(Parameters.class)
                        .useHttpGet().returnResourceType(Bundle.class).execute(),
                () -> northside.update().resource(created.copy().setStatus(Subscription.SubscriptionStatus.OFF))
                        .execute(),
                () -> northside.delete().resourceById(id).execute());
        for (Supplier<Object> attempt : tries) {
            assertThat(catchThrowableOfType(BaseServerResponseException.class, attempt::get).getStatusCode())
                    .isEqualTo(404);
        }
        Bundle theirs = northside.search().forResource(Subscription.class).returnBundle(Bundle.class).execute();
        assertThat(theirs.getEntry()).noneMatch(e -> e.getResource().getIdElement().getIdPart()
                .equals(id.getIdPart()));
        Bundle statuses = northside.operation().onType(Subscription.class).named("$status")
                .withNoParameters(Parameters.class).useHttpGet().returnResourceType(Bundle.class).execute();
        assertThat(statuses.getEntry()).noneMatch(e -> ((Reference) ((Parameters) e.getResource())
                .getParameter("subscription").getValue()).getReference().endsWith(id.getIdPart()));
    }

    @Test
    void aFilterWithSearchParametersNotifiesOnlyOfTheResourcesThatMatchIt() {
        IGenericClient riverside = FhirClients.hapi(port, "riverside-ehr");
        Subscription accepted = subscription(null, "id-only");
        accepted.getCriteriaElement().getExtension().clear();
        accepted.getCriteriaElement().addExtension(BACKPORT + "backport-filter-criteria",
                new StringType("Task?status=accepted&owner=Organization/riverside-derm"));
        String id = create(riverside, accepted);
        awaitStatus(riverside, id, Subscription.SubscriptionStatus.ACTIVE);
        assertThat(riverside.read().resource(Subscription.class).withId(id).execute().getCriteriaElement()
                .getExtensionsByUrl(BACKPORT + "backport-filter-criteria")).extracting(e -> e.getValue()
                .primitiveValue()).as("shown back as taken").containsExactly("Task?status=accepted&owner=Organization/riverside-derm");

        var referral = DemoClinics.at(port).sendReferral(DemoClinics.DERM);
        assertThat(DemoClinics.at(port).derm().post("/api/referrals/" + referral.id() + "/accept", null).status())
                .isEqualTo(200);

        String task = "/Task/" + referral.id() + "/_history/";
        FhirClients.await(Duration.ofSeconds(30), () -> focusesOn(task).contains(task + 2),
                "the notification of the accepted Task");
        assertThat(focusesOn(task)).as("the Task as sent (status requested) matched no filter, so was not notified")
                .containsExactly(task + 2);
    }

    @Test
    void aFilterCareLoopCannotApplyIsAnOperationOutcomeNamingIt() {
        IGenericClient riverside = FhirClients.hapi(port, "riverside-ehr");
        String filter = "Subscription.criteria.extension('" + BACKPORT + "backport-filter-criteria')[0]";
        for (String criteria : List.of("Task?code=3457005", "Task?status=", "Task?owner=Patient/1",
                "Provenance?status=completed", "Task?status=accepted&status=completed", "Task?_id=" + "x".repeat(65))) {
            Subscription refused = subscription(null, "id-only");
            refused.getCriteriaElement().getExtension().clear();
            refused.getCriteriaElement().addExtension(BACKPORT + "backport-filter-criteria", new StringType(criteria));
            assertRefused(riverside, refused, filter);
        }
    }

    /** The focus of each event notification the endpoint took whose focus contains {@code part}. */
    private List<String> focusesOn(String part) {
        return notifications("event-notification").stream()
                .map(b -> ((Reference) event(status(b)).getPart().stream().filter(p -> p.getName().equals("focus"))
                        .findFirst().orElseThrow().getValue()).getReference())
                .filter(reference -> reference.contains(part))
                .map(reference -> reference.substring(reference.indexOf(part))).distinct().toList();
    }

    @Test
    void anUnknownTopicOrAHostileReasonIsAnOperationOutcomeNamingTheElement() {
        IGenericClient riverside = FhirClients.hapi(port, "riverside-ehr");
        Subscription unknownTopic = subscription(null, "id-only");
        unknownTopic.setCriteria("https://example.org/SubscriptionTopic/admissions");
        assertRefused(riverside, unknownTopic, "Subscription.criteria");

        Subscription hostile = subscription(null, "id-only");
        hostile.getChannel().getHeader().clear();
        hostile.getChannel().addHeader("X-Forwarded-For: 10.0.0.1");
        assertRefused(riverside, hostile, "Subscription.channel.header[0]");
    }

    @Test
    void anEndpointThatRefusesTheHandshakeMakesAnErrorUntilItIsRequestedAgain() {
        endpoint.stubFor(post("/hook").willReturn(aResponse().withStatus(500)));
        IGenericClient riverside = FhirClients.hapi(port, "riverside-ehr");
        String id = create(riverside, subscription(null, "id-only"));
        awaitStatus(riverside, id, Subscription.SubscriptionStatus.ERROR);
        Subscription created = riverside.read().resource(Subscription.class).withId(id).execute();
        assertThat(riverside.read().resource(Subscription.class).withId(id).execute().getError())
                .contains("HTTP 500");

        endpoint.stubFor(post("/hook").willReturn(aResponse().withStatus(200)));
        riverside.update().resource(created.setStatus(Subscription.SubscriptionStatus.REQUESTED)).execute();
        awaitStatus(riverside, id, Subscription.SubscriptionStatus.ACTIVE);
    }

    @Test
    void aSubscriptionPastItsEndTurnsOff() {
        IGenericClient riverside = FhirClients.hapi(port, "riverside-ehr");
        Subscription ending = subscription(null, "id-only");
        ending.setEnd(java.util.Date.from(java.time.Instant.now().plusSeconds(8)));
        String id = create(riverside, ending);
        awaitStatus(riverside, id, Subscription.SubscriptionStatus.ACTIVE);
        awaitStatus(riverside, id, Subscription.SubscriptionStatus.OFF);
    }

    @Test
    void aRestHookPartnerAnAdministratorRegisteredReadsAsASubscriptionOnlyTheAdministratorChanges() {
        String partnerId = "riverside-hook-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        var registered = DemoClinics.at(port).admin().post("/api/admin/partners", Map.of("id", partnerId,
                "organisation", DemoClinics.DERM, "baseUrl", endpoint.baseUrl() + "/hook", "mode", "rest-hook",
                "resourceTypes", List.of("Task", "ServiceRequest")));
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        IGenericClient riverside = FhirClients.hapi(port, "riverside-ehr");

        Subscription read = riverside.read().resource(Subscription.class).withId(partnerId).execute();
        assertThat(read.getStatus()).isEqualTo(Subscription.SubscriptionStatus.ACTIVE);
        assertThat(read.getCriteria()).isEqualTo(TOPIC);
        assertThat(read.getCriteriaElement().getExtensionsByUrl(BACKPORT + "backport-filter-criteria"))
                .extracting(e -> e.getValue().primitiveValue()).containsExactly("ServiceRequest?", "Task?");
        FhirClients.assertValid(validator, read);
        assertThat(catchThrowableOfType(BaseServerResponseException.class, () -> riverside.update()
                .resource(read.setStatus(Subscription.SubscriptionStatus.OFF)).execute()).getStatusCode())
                .isEqualTo(403);

        DemoClinics.at(port).admin().post("/api/admin/partners/" + partnerId + "/deactivate", null);
        assertThat(riverside.read().resource(Subscription.class).withId(partnerId).execute().getStatus())
                .isEqualTo(Subscription.SubscriptionStatus.OFF);
    }

    @Test
    void theCapabilityStatementListsSubscriptionWithItsInteractionsAndOperations() {
        CapabilityStatement statement = FhirClients.hapi(port, "riverside-ehr").capabilities()
                .ofType(CapabilityStatement.class).execute();
        CapabilityStatement.CapabilityStatementRestResourceComponent subscription = statement.getRestFirstRep()
                .getResource().stream().filter(r -> r.getType().equals("Subscription")).findFirst().orElseThrow();
        assertThat(subscription.getInteraction()).extracting(i -> i.getCode().toCode())
                .contains("create", "read", "update", "delete", "search-type");
        assertThat(subscription.getOperation()).extracting(CapabilityStatement.CapabilityStatementRestResourceOperationComponent::getName)
                .contains("status", "events");
        assertThat(subscription.getSupportedProfile()).extracting(p -> p.getValue())
                .contains(BACKPORT + "backport-subscription");
    }

    private static void assertRefused(IGenericClient client, Subscription body, String expression) {
        BaseServerResponseException refused = catchThrowableOfType(BaseServerResponseException.class,
                () -> client.create().resource(body).execute());
        assertThat(refused.getStatusCode()).isEqualTo(422);
        OperationOutcome outcome = (OperationOutcome) refused.getOperationOutcome();
        assertThat(outcome.getIssue()).anySatisfy(i -> assertThat(i.getExpression())
                .extracting(e -> e.getValue()).contains(expression));
    }

    private Subscription subscription(Integer heartbeatSeconds, String content) {
        Subscription s = new Subscription();
        s.setStatus(Subscription.SubscriptionStatus.REQUESTED);
        s.setReason("Riverside's EHR follows its referrals");
        s.setCriteria(TOPIC);
        s.getCriteriaElement().addExtension(BACKPORT + "backport-filter-criteria", new StringType("Task?"));
        s.getChannel().setType(Subscription.SubscriptionChannelType.RESTHOOK)
                .setEndpoint(endpoint.baseUrl() + "/hook").setPayload("application/fhir+json")
                .addHeader("Authorization: Bearer partner-secret");
        s.getChannel().getPayloadElement().addExtension(BACKPORT + "backport-payload-content", new CodeType(content));
        if (heartbeatSeconds != null) {
            s.getChannel().addExtension(BACKPORT + "backport-heartbeat-period", new UnsignedIntType(heartbeatSeconds));
        }
        return s;
    }

    private static void awaitStatus(IGenericClient client, String id, Subscription.SubscriptionStatus wanted) {
        FhirClients.await(Duration.ofSeconds(20), () -> client.read().resource(Subscription.class).withId(id)
                .execute().getStatus() == wanted, "Subscription/" + id + " " + wanted.toCode());
    }

    private static long eventsSinceStart(IGenericClient client, String id) {
        Bundle statuses = client.operation().onInstance(new IdType("Subscription", id)).named("$status")
                .withNoParameters(Parameters.class).useHttpGet().returnResourceType(Bundle.class).execute();
        return Long.parseLong(((Parameters) statuses.getEntryFirstRep().getResource())
                .getParameter("events-since-subscription-start").getValue().primitiveValue());
    }

    /** What the endpoint took (answered 2xx), of one notification type, oldest first. */
    private List<Bundle> notifications(String type) {
        List<com.github.tomakehurst.wiremock.stubbing.ServeEvent> served =
                new java.util.ArrayList<>(endpoint.getAllServeEvents());
        java.util.Collections.reverse(served);
        return served.stream()
                .filter(e -> e.getResponse().getStatus() == 200 && e.getRequest().getUrl().equals("/hook"))
                .map(e -> R4ChangeProjector.fhirContext().newJsonParser().parseResource(Bundle.class,
                        e.getRequest().getBodyAsString()))
                .filter(b -> type.equals(status(b).getParameter("type").getValue().primitiveValue()))
                .toList();
    }

    /** The first event notification of each number the endpoint took. */
    private Map<Integer, Bundle> byNumber() {
        Map<Integer, Bundle> numbered = new TreeMap<>();
        for (Bundle b : notifications("event-notification")) {
            numbered.putIfAbsent(Integer.valueOf(part(event(status(b)), "event-number")), b);
        }
        return numbered;
    }

    private static Parameters status(Bundle bundle) {
        return (Parameters) bundle.getEntryFirstRep().getResource();
    }

    private static Parameters.ParametersParameterComponent event(Parameters status) {
        return status.getParameter().stream().filter(p -> p.getName().equals("notification-event")).findFirst()
                .orElseThrow();
    }

    private static String part(Parameters.ParametersParameterComponent event, String name) {
        Optional<Parameters.ParametersParameterComponent> part = event.getPart().stream()
                .filter(p -> p.getName().equals(name)).findFirst();
        return part.map(p -> p.getValue().primitiveValue()).orElse(null);
    }
}
