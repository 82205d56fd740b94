package dev.careloop.query.analytics;

import dev.careloop.api.referral.OutcomeAcknowledged;
import dev.careloop.api.referral.OutcomeSent;
import dev.careloop.api.referral.Priority;
import dev.careloop.api.referral.ReferralAccepted;
import dev.careloop.api.referral.ReferralDeclined;
import dev.careloop.api.referral.ReferralForwarded;
import dev.careloop.api.referral.ReferralStatus;
import dev.careloop.query.ReadModelDatabase;
import org.axonframework.eventhandling.DomainEventMessage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static dev.careloop.query.analytics.AnalyticsLog.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The roll-up per pair and month (analytics_pair_month), which the dashboard and the network view read, gives the
 * same figures as the month rows of every service and priority (which a partnership's detail reads, and the
 * hand-computed tests pin down), over a random network of referral histories; and the migration that rolls up
 * month rows already there writes what the projection keeps.
 */
class PairMonthRollUpTest {

    private static final List<String> ORGANISATIONS = List.of(GP, DERM, CARDIO, "st_marys.clinic", "zeta");
    private static final Instant START = Instant.parse("2026-10-01T00:00:00Z");

    private final PartnershipReadModel partnerships = new PartnershipReadModel(ReadModelDatabase.jdbc());

    /** 200 referrals among five organisations over three months, each a random way through its steps (once). */
    @BeforeAll
    static void aRandomNetwork() {
        ReadModelDatabase.Projections projections =
                new ReadModelDatabase.Projections(new AnalyticsProjection(ReadModelDatabase.stores()));
        AnalyticsLog log = new AnalyticsLog();
        AnalyticsLog.emptyTables();
        Random random = new Random(20);
        List<DomainEventMessage<Object>> events = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String id = "rollup-" + i;
            String from = ORGANISATIONS.get(random.nextInt(ORGANISATIONS.size()));
            String to = other(random, from);
            Priority priority = Priority.values()[random.nextInt(Priority.values().length)];
            Instant at = START.plusSeconds(random.nextInt(90 * 86400));
            events.add(log.at(at.toString(), random.nextInt(4) == 0
                    ? sentFor(id, from, to, "MRN-" + i, "cardiology")
                    : sent(id, from, to, priority, at.plusSeconds(86400 * 2).toString())));
            if (random.nextInt(10) == 0) {
                at = at.plusSeconds(random.nextInt(40_000));
                events.add(log.at(at.toString(), new ReferralForwarded(id, "p", to, other(random, from),
                        "Better placed", ReferralStatus.CREATED, random.nextBoolean() ? "capacity" : null)));
            }
            if (random.nextInt(8) == 0) {
                events.add(log.at(at.plusSeconds(random.nextInt(300_000)).toString(),
                        new ReferralDeclined(id, "p", "Not ours", ReferralStatus.DECLINED, "not-our-service")));
                continue;
            }
            at = at.plusSeconds(random.nextInt(400_000));
            events.add(log.at(at.toString(), new ReferralAccepted(id, ReferralStatus.ACCEPTED)));
            if (random.nextBoolean()) {
                at = at.plusSeconds(random.nextInt(3_000_000));
                events.add(log.at(at.toString(), new OutcomeSent(id, "p", "Report", ReferralStatus.COMPLETED)));
                if (random.nextBoolean()) {
                    at = at.plusSeconds(random.nextInt(1_000_000));
                    events.add(log.at(at.toString(), new OutcomeAcknowledged(id, ReferralStatus.COMPLETED)));
                }
            }
        }
        events.sort(Comparator.comparing(DomainEventMessage::getTimestamp));
        projections.deliver(events.toArray(DomainEventMessage[]::new));
    }

    @Test
    void eachOrganisationsDashboardEqualsItsPartnershipsSummedFromTheMonthRowsOfEveryServiceAndPriority() {
        YearMonth from = YearMonth.of(2026, 10);
        YearMonth to = YearMonth.of(2026, 11);
        for (String organisation : ORGANISATIONS) {
            PartnershipReadModel.Overview overview = partnerships.overview(organisation, from, to, 30);
            assertThat(overview.partnerships()).extracting(PartnershipReadModel.Partnership::partner)
                    .isEqualTo(ORGANISATIONS.stream().filter(o -> !o.equals(organisation)).sorted().toList());
            for (PartnershipReadModel.Partnership p : overview.partnerships()) {
                assertThat(p).isEqualTo(partnerships.detail(organisation, p.partner(), from, to, 30).total());
            }
        }
    }

    @Test
    void theNetworkViewEqualsEachPairsDetailSeenFromTheFirstOfTheTwo() {
        YearMonth from = YearMonth.of(2026, 10);
        YearMonth to = YearMonth.of(2026, 12);
        PartnershipReadModel.Network network = partnerships.network(from, to, 14);

        assertThat(network.partnerships()).hasSize(10);
        for (PartnershipReadModel.NetworkPartnership n : network.partnerships()) {
            assertThat(n.organisation()).isLessThan(n.partner());
            PartnershipReadModel.Partnership p = partnerships.detail(n.organisation(), n.partner(), from, to, 14)
                    .total();
            assertThat(new PartnershipReadModel.NetworkPartnership(n.organisation(), p.partner(), p.sent(),
                    p.received(), p.balance(), p.reciprocity(), p.loopClosureRate(), p.outgoing(), p.incoming()))
                    .isEqualTo(n);
        }
    }

    @Test
    void theMigrationRollsUpMonthRowsAlreadyThereAsTheProjectionKeepsThem() throws IOException {
        String kept = pairRows();
        assertThat(kept).isNotBlank();
        ReadModelDatabase.jdbc().update("DELETE FROM analytics_pair_month");

        String migration;
        try (InputStream in = getClass().getResourceAsStream("/db/migration/V57__analytics_pair_month.sql")) {
            migration = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        ReadModelDatabase.jdbc().execute(migration.substring(migration.indexOf("INSERT INTO analytics_pair_month")));

        assertThat(pairRows()).isEqualTo(kept);
    }

    private static String pairRows() {
        return String.join("\n", ReadModelDatabase.jdbc().query(
                "SELECT p::text FROM analytics_pair_month p ORDER BY sender_org, recipient_org, month",
                (rs, n) -> rs.getString(1)));
    }

    private static String other(Random random, String than) {
        String o;
        do {
            o = ORGANISATIONS.get(random.nextInt(ORGANISATIONS.size()));
        } while (o.equals(than));
        return o;
    }
}
