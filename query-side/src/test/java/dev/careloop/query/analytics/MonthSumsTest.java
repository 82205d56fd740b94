package dev.careloop.query.analytics;

import dev.careloop.query.ReadModelDatabase;
import dev.careloop.query.replay.Rows;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static dev.careloop.query.analytics.AnalyticsLog.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The month rows summed by PostgreSQL (the dashboard, the network view, the soonest ranking) come out as the same
 * figures as the rows read one by one and summed by the application, which the hand-computed tests pin down.
 */
class MonthSumsTest {

    private static final List<String> ORGANISATIONS = List.of(GP, DERM, CARDIO, "a.b_c-4", "zeta");
    private static final List<String> CATEGORIES = List.of("capacity", "not-our-service", "unspecified", "other");

    private final Rows<AnalyticsMonth> months = ReadModelDatabase.stores().rows(AnalyticsMonth.TABLE);
    private final PartnershipReadModel partnerships = new PartnershipReadModel(ReadModelDatabase.jdbc());

    @BeforeEach
    void aRandomNetworkOfMonthRows() {
        AnalyticsLog.emptyTables();
        Random random = new Random(20);
        for (String sender : ORGANISATIONS) {
            for (String recipient : ORGANISATIONS) {
                for (String service : List.of(SERVICE, "cardiology")) {
                    for (String priority : List.of("routine", "urgent")) {
                        for (int month = 1; month <= 3; month++) {
                            if (random.nextInt(3) > 0) {
                                months.put(randomRow(random, new AnalyticsMonth.Key(sender, recipient, service,
                                        priority, LocalDate.of(2026, 9 + month, 1))));
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void eachOrganisationsDashboardEqualsItsMonthRowsSummedOneByOne() {
        YearMonth from = YearMonth.of(2026, 10);
        YearMonth to = YearMonth.of(2026, 11);
        for (String organisation : ORGANISATIONS) {
            PartnershipReadModel.Overview overview = partnerships.overview(organisation, from, to, 30);
            List<String> partners = new ArrayList<>();
            for (PartnershipReadModel.Partnership p : overview.partnerships()) {
                partners.add(p.partner());
                // The detail sums the same rows in the application.
                assertThat(p).isEqualTo(partnerships.detail(organisation, p.partner(), from, to, 30).total());
            }
            assertThat(partners).isEqualTo(ORGANISATIONS.stream().filter(o -> !o.equals(organisation)).sorted()
                    .toList());
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
    void theSoonestRankingEqualsEachRecipientsRowsSummedOneByOne() {
        YearMonth from = YearMonth.of(2026, 10);
        YearMonth to = YearMonth.of(2026, 12);
        Map<String, List<AnalyticsMonth>> byRecipient = new TreeMap<>();
        ReadModelDatabase.jdbc().query("SELECT * FROM analytics_month WHERE service = ? AND sender_org <> recipient_org"
                        + " AND recipient_org <> ? AND referrals > 0",
                rs -> {
                    AnalyticsMonth m = AnalyticsMonth.TABLE.reader().read(rs);
                    byRecipient.computeIfAbsent(m.key().recipientOrg(), r -> new ArrayList<>()).add(m);
                }, SERVICE, GP);

        SoonestSeen.Ranking ranking = new SoonestSeen(ReadModelDatabase.jdbc()).rank(GP, SERVICE, from, to);

        assertThat(ranking.recipients()).hasSize(byRecipient.size());
        for (SoonestSeen.Recipient r : ranking.recipients()) {
            List<AnalyticsMonth> rows = byRecipient.get(r.organisation());
            AnalyticsMonth.Turnarounds t = AnalyticsMonth.Turnarounds.sum(rows);
            assertThat(r).isEqualTo(new SoonestSeen.Recipient(r.organisation(),
                    rows.stream().mapToInt(m -> m.counts().referrals()).sum(), t.seen().count(),
                    t.seen().percentileHours(0.5), t.seen().percentileHours(0.9), t.slot().count(),
                    t.slot().percentileHours(0.5), t.slot().percentileHours(0.9)));
        }
    }

    private static AnalyticsMonth randomRow(Random random, AnalyticsMonth.Key key) {
        int referrals = 1 + random.nextInt(20);
        AnalyticsMonth.Counts counts = new AnalyticsMonth.Counts(referrals, random.nextInt(referrals + 1),
                random.nextInt(3), random.nextInt(2), random.nextInt(2), random.nextInt(referrals + 1),
                random.nextInt(referrals + 1), random.nextInt(referrals + 1), random.nextInt(referrals + 1),
                random.nextInt(referrals + 1), random.nextInt(3), random.nextInt(3), random.nextInt(4),
                random.nextInt(2), random.nextInt(500_000), random.nextInt(3), random.nextInt(2), random.nextInt(2),
                random.nextInt(2), tally(random), tally(random));
        return new AnalyticsMonth(key, counts, new AnalyticsMonth.Turnarounds(histogram(random), histogram(random),
                histogram(random), histogram(random), histogram(random), histogram(random), histogram(random)));
    }

    private static Tally tally(Random random) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String category : CATEGORIES) {
            if (random.nextBoolean()) {
                counts.put(category, 1 + random.nextInt(4));
            }
        }
        return new Tally(counts);
    }

    private static Histogram histogram(Random random) {
        Map<Integer, Long> buckets = new TreeMap<>();
        for (int i = random.nextInt(8); i > 0; i--) {
            buckets.merge(random.nextInt(120), 1L + random.nextInt(5), Long::sum);
        }
        return new Histogram(buckets);
    }
}
