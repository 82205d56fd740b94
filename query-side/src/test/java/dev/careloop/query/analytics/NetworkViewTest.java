package dev.careloop.query.analytics;

import dev.careloop.api.Actor;
import dev.careloop.query.ReadModelDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;

import static dev.careloop.query.analytics.AnalyticsLog.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The platform's view of every partnership of the network; organisations keep seeing only their own. */
class NetworkViewTest {

    private static final String PLATFORM = "careloop";
    private static final Actor NETWORK_LEAD = new Actor("lead", PLATFORM, Set.of(Actor.ADMIN), null, null);
    private static final Actor GP_STAFF = new Actor("gp", GP, Set.of(Actor.CLINICIAN), null, null);
    private static final Actor GP_ADMIN = new Actor("gp-admin", GP, Set.of(Actor.ADMIN), null, null);

    private final ReadModelDatabase.Projections projections =
            new ReadModelDatabase.Projections(new AnalyticsProjection(ReadModelDatabase.stores()));
    private final PartnershipReadModel partnerships = new PartnershipReadModel(ReadModelDatabase.jdbc());
    private final PartnershipController controller = new PartnershipController(partnerships,
            Clock.fixed(Instant.parse("2026-12-15T12:00:00Z"), ZoneOffset.UTC), null, Duration.ofSeconds(1),
            PLATFORM);
    private final AnalyticsLog log = new AnalyticsLog();

    /** GP -> DERM twice, DERM -> GP once, CARDIO -> GP once, CARDIO -> DERM once, all in December. */
    @BeforeEach
    void aNetworkOfThree() {
        AnalyticsLog.emptyTables();
        projections.deliver(log.at("2026-12-01T08:00:00Z", sent("n1", GP, DERM)),
                log.at("2026-12-02T08:00:00Z", sent("n2", GP, DERM)),
                log.at("2026-12-03T08:00:00Z", sent("n3", DERM, GP)),
                log.at("2026-12-04T08:00:00Z", sent("n4", CARDIO, GP)),
                log.at("2026-12-05T08:00:00Z", sent("n5", CARDIO, DERM)));
    }

    @Test
    void theNetworkListsEveryPairOnceSeenFromTheFirstOfTheTwoById() {
        PartnershipReadModel.Network network = (PartnershipReadModel.Network) controller.list(NETWORK_LEAD,
                "2026-12", "2026-12", 30, "network");

        assertThat(network.scope()).isEqualTo("network");
        assertThat(network.partnerships()).extracting(p -> p.organisation() + "/" + p.partner() + ": " + p.sent()
                        + " sent, " + p.received() + " received, reciprocity " + p.reciprocity())
                .containsExactly("lakeside-cardio/northside-gp: 1 sent, 0 received, reciprocity 0.0",
                        "lakeside-cardio/riverside-derm: 1 sent, 0 received, reciprocity 0.0",
                        "northside-gp/riverside-derm: 2 sent, 1 received, reciprocity 0.5");
    }

    @Test
    void theNetworkLeadReadsAnyPartnershipSeenFromTheOrganisationItNames() {
        Object detail = controller.detail(NETWORK_LEAD, DERM, "2026-12", "2026-12", 30, null, null, null, "network",
                GP).getBody();

        assertThat(((PartnershipReadModel.Detail) detail).total().sent()).isEqualTo(2);
        assertThat(((PartnershipReadModel.Detail) detail).organisation()).isEqualTo(GP);
    }

    @Test
    void nobodyButThePlatformsAdministratorsSeesTheNetwork() {
        for (Actor someone : new Actor[]{GP_STAFF, GP_ADMIN,
                new Actor("officer", PLATFORM, Set.of(Actor.COMPLIANCE), null, null)}) {
            assertThatThrownBy(() -> controller.list(someone, null, null, 30, "network"))
                    .isInstanceOfSatisfying(ResponseStatusException.class,
                            e -> assertThat(e.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN));
            assertThatThrownBy(() -> controller.detail(someone, DERM, null, null, 30, null, null, null, "network",
                    CARDIO))
                    .isInstanceOfSatisfying(ResponseStatusException.class,
                            e -> assertThat(e.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN));
        }
        // Without the network scope an organisation sees its own partnerships only.
        PartnershipReadModel.Overview own = (PartnershipReadModel.Overview) controller.list(GP_STAFF, "2026-12",
                "2026-12", 30, null);
        assertThat(own.partnerships()).extracting(PartnershipReadModel.Partnership::partner)
                .containsExactly(CARDIO, DERM);
        assertThatThrownBy(() -> controller.list(GP_STAFF, null, null, 30, "everything"))
                .isInstanceOfSatisfying(ResponseStatusException.class,
                        e -> assertThat(e.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST));
    }
}
