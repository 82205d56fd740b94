package dev.careloop.fhir.facade;

import dev.careloop.fhir.partner.PartnerNetworkSettings;
import dev.careloop.fhir.partner.PartnerUrls;
import dev.careloop.fhir.partner.PayloadContent;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.UnsignedIntType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** What a partner may subscribe to, and how each refusal names the element at fault. */
class SubscriptionRequestTest {

    private static final String TOPIC = "https://careloop.dev/fhir/SubscriptionTopic/referral-changes";
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    /** Production's policy: https only, public addresses only. */
    private static final PartnerUrls STRICT = new PartnerUrls(new PartnerNetworkSettings(false, List.of(), false));
    private static final PartnerUrls LOCAL = new PartnerUrls(new PartnerNetworkSettings(true, List.of(), true));
    private static final Set<String> READS = Set.of("Task", "ServiceRequest", "Communication");

    @Test
    void aTaskSubscriptionWithFullResourcesAndHeartbeatsIsAccepted() {
        Subscription body = valid();
        SubscriptionRequest request = check(body, LOCAL);
        assertThat(request.problems()).isEmpty();
        var partner = request.partner("s-1", "riverside-derm", TOPIC, 42, NOW);
        assertThat(partner.resourceTypes()).containsExactly("Task");
        assertThat(partner.notifying().content()).isEqualTo(PayloadContent.FULL_RESOURCE);
        assertThat(partner.notifying().heartbeatPeriod()).isEqualTo(Duration.ofSeconds(30));
        assertThat(partner.auth().token()).isEqualTo("abc.def");
        assertThat(partner.active()).as("active only after the handshake").isFalse();
        assertThat(request.filters()).containsExactly("Task?");
    }

    @Test
    void withoutAFilterItIsEveryTypeOfTheTopicTheTokenMayRead() {
        Subscription body = valid();
        body.getCriteriaElement().getExtension().clear();
        SubscriptionRequest request = check(body, LOCAL);
        assertThat(request.partner("s", "o", TOPIC, 0, NOW).resourceTypes())
                .containsExactlyInAnyOrder("Task", "ServiceRequest", "Communication");
    }

    @Test
    void anUnknownTopicIsRefusedAtTheCriteria() {
        Subscription body = valid();
        body.setCriteria("https://example.org/SubscriptionTopic/admissions");
        assertThat(check(body, LOCAL).problems()).extracting(SubscriptionRequest.Problem::expression)
                .containsExactly("Subscription.criteria");
        assertThat(check(body, LOCAL).problems().get(0).message()).contains(TOPIC);
    }

    @Test
    void aPlainHttpEndpointIsRefusedWherePolicyForbidsIt() {
        Subscription body = valid();
        body.getChannel().setEndpoint("http://ehr.example.org/hook");
        assertThat(check(body, STRICT).problems()).singleElement().satisfies(p -> {
            assertThat(p.expression()).isEqualTo("Subscription.channel.endpoint");
            assertThat(p.message()).contains("https");
        });
    }

    @Test
    void aFilterByATypeTheTokenMayNotReadOrByAParameterCareLoopCannotApplyIsRefused() {
        Subscription body = valid();
        body.getCriteriaElement().getExtension().clear();
        body.getCriteriaElement().addExtension(SubscriptionRequest.FILTER_CRITERIA, new StringType("DocumentReference?"));
        body.getCriteriaElement().addExtension(SubscriptionRequest.FILTER_CRITERIA, new StringType("Task?code=3457005"));
        body.getCriteriaElement().addExtension(SubscriptionRequest.FILTER_CRITERIA, new StringType("Observation"));
        List<SubscriptionRequest.Problem> problems = check(body, LOCAL).problems();
        assertThat(problems).extracting(SubscriptionRequest.Problem::expression).allMatch(e ->
                e.startsWith("Subscription.criteria.extension('" + SubscriptionRequest.FILTER_CRITERIA + "')["));
        assertThat(problems).extracting(SubscriptionRequest.Problem::message).satisfiesExactly(
                m -> assertThat(m).contains("system/DocumentReference.read"),
                m -> assertThat(m).contains("'code' is not a parameter CareLoop filters Task by"),
                m -> assertThat(m).contains("not a type the topic notifies of"));
    }

    @Test
    void hostileStringsAndOtherHeadersAreRefusedEachByItsElement() {
        Subscription body = valid();
        body.setReason("ok\u0000then");
        body.getChannel().getHeader().clear();
        body.getChannel().addHeader("X-Forwarded-For: 10.0.0.1");
        body.getChannel().setEndpoint("https://ehr.example.org/\u0007hook");
        body.getChannel().setPayload("application/xml");
        body.getChannel().getPayloadElement().getExtension().clear();
        body.getChannel().getPayloadElement().addExtension(SubscriptionRequest.PAYLOAD_CONTENT, new CodeType("all"));
        body.setStatus(Subscription.SubscriptionStatus.OFF);
        assertThat(check(body, LOCAL).problems()).extracting(SubscriptionRequest.Problem::expression)
                .containsExactlyInAnyOrder("Subscription.reason", "Subscription.channel.header[0]",
                        "Subscription.channel.endpoint", "Subscription.channel.payload",
                        "Subscription.channel.payload.extension('" + SubscriptionRequest.PAYLOAD_CONTENT + "')",
                        "Subscription.status");
        assertThat(check(body, LOCAL).problems()).filteredOn(p -> p.expression().equals("Subscription.reason"))
                .singleElement().satisfies(p -> assertThat(p.message()).contains("U+0000"));
    }

    @Test
    void aHeartbeatOfZeroSecondsOrAnEndInThePastIsRefused() {
        Subscription body = valid();
        body.getChannel().getExtension().clear();
        body.getChannel().addExtension(SubscriptionRequest.HEARTBEAT_PERIOD, new UnsignedIntType(0));
        body.setEnd(java.util.Date.from(NOW.minusSeconds(1)));
        assertThat(check(body, LOCAL).problems()).extracting(SubscriptionRequest.Problem::expression)
                .containsExactlyInAnyOrder("Subscription.end",
                        "Subscription.channel.extension('" + SubscriptionRequest.HEARTBEAT_PERIOD + "')");
    }

    private static SubscriptionRequest check(Subscription body, PartnerUrls urls) {
        return new SubscriptionRequest(body, TOPIC, urls, READS::contains, NOW);
    }

    private static Subscription valid() {
        Subscription s = new Subscription();
        s.setStatus(Subscription.SubscriptionStatus.REQUESTED);
        s.setReason("Riverside's EHR follows its referrals");
        s.setCriteria(TOPIC);
        s.getCriteriaElement().addExtension(SubscriptionRequest.FILTER_CRITERIA, new StringType("Task?"));
        s.getChannel().setType(Subscription.SubscriptionChannelType.RESTHOOK)
                .setEndpoint("https://ehr.example.org/hook").setPayload("application/fhir+json")
                .addHeader("Authorization: Bearer abc.def");
        s.getChannel().getPayloadElement().addExtension(SubscriptionRequest.PAYLOAD_CONTENT,
                new CodeType("full-resource"));
        s.getChannel().addExtension(SubscriptionRequest.HEARTBEAT_PERIOD, new UnsignedIntType(30));
        return s;
    }
}
