package dev.careloop.fhir.delivery;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder.responseDefinition;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;

/** Many referrals while the partner fails at random: in the end it has every change, in order per referral. */
class DeliveryUnderFailuresTest extends DeliveryTesting {

    private static final int REFERRALS = 200;
    private static final int CHANGES = 3;
    private static final List<String> STATUSES = List.of("requested", "accepted", "in-progress");

    /** Fails a share of requests at random (seeded): two thirds with 503, one third with a reset connection. */
    static final class RandomFailures implements ResponseDefinitionTransformerV2 {
        private final Random random = new Random(42);
        volatile double rate = 0.3;

        @Override
        public synchronized ResponseDefinition transform(ServeEvent event) {
            double draw = random.nextDouble();
            if (draw >= rate) {
                return event.getResponseDefinition();
            }
            return draw < rate * 2 / 3 ? responseDefinition().withStatus(503).build()
                    : responseDefinition().withFault(Fault.CONNECTION_RESET_BY_PEER).build();
        }

        @Override
        public String getName() {
            return "random-failures";
        }
    }

    @Test
    void everyChangeOfTwoHundredReferralsArrivesInVersionOrderThoughThePartnerFailsThirtyPercent() {
        RandomFailures failures = new RandomFailures();
        WireMockServer server = partnerServer(WireMockConfiguration.options().extensions(failures)
                .containerThreads(20));
        server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
        String org = unique("org");
        String partner = registerPartner(org, server, List.of("Task"), null);
        List<String> referrals = new ArrayList<>();
        for (int i = 0; i < REFERRALS; i++) {
            referrals.add(unique("load"));
        }
        Instant started = Instant.now();

        for (int change = 0; change < CHANGES; change++) {
            for (String referral : referrals) {
                change(referral, Set.of(org), STATUSES.get(change));
            }
        }
        // The partner keeps failing while most of the changes go out, then recovers.
        await(Duration.ofSeconds(120), () -> taskVersions(server).stream().distinct().count()
                >= REFERRALS * CHANGES * 9 / 10, "most changes delivered while the partner fails");
        failures.rate = 0;
        await(Duration.ofSeconds(120), () -> taskVersions(server).stream().distinct().count() == REFERRALS * CHANGES,
                "every change delivered after the partner recovered");
        Duration took = Duration.between(started, Instant.now());

        Map<String, List<Integer>> arrived = new LinkedHashMap<>();
        for (String delivered : taskVersions(server)) {
            String[] parts = delivered.split(" v");
            arrived.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(Integer.parseInt(parts[1]));
        }
        assertThat(arrived).hasSize(REFERRALS);
        arrived.forEach((task, versions) -> assertThat(versions.stream().distinct().toList())
                .as("versions of %s in the order they arrived", task).containsExactly(1, 2, 3));
        arrived.forEach((task, versions) -> assertThat(versions).as("%s never goes back", task).isSorted());
        long failed = deliveries(server).stream().filter(e -> e.getResponse().getFault() != null
                || e.getResponse().getStatus() == 503).count();
        assertThat(failed).as("requests the partner failed").isGreaterThan(150);
        await(Duration.ofSeconds(10), () -> asAdmin("GET", "/api/admin/partners/" + partner, null).json()
                .path("health").path("deadLettered").asLong() == 0, "no dead letters left");
        System.out.printf("%d changes delivered in %d ms; %d requests failed, %d succeeded%n", REFERRALS * CHANGES,
                took.toMillis(), failed, successes(server).size());
    }

}
