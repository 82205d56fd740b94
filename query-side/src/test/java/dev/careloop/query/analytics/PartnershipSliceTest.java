package dev.careloop.query.analytics;

import dev.careloop.api.referral.Priority;
import dev.careloop.api.referral.ReferralAccepted;
import dev.careloop.api.referral.ReferralStatus;
import org.junit.jupiter.api.Test;
import org.springframework.web.server.ResponseStatusException;

import java.time.YearMonth;

import dev.careloop.query.ReadModelDatabase;

import static dev.careloop.query.analytics.AnalyticsLog.DERM;
import static dev.careloop.query.analytics.AnalyticsLog.GP;
import static dev.careloop.query.analytics.AnalyticsLog.sent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A partnership's figures for one service or one priority only (the filters of the partnership page). */
class PartnershipSliceTest {

    private static final YearMonth DEC = YearMonth.of(2026, 12);

    private final ReadModelDatabase.Projections projections =
            new ReadModelDatabase.Projections(new AnalyticsProjection(ReadModelDatabase.stores()));
    private final PartnershipReadModel partnerships = new PartnershipReadModel(ReadModelDatabase.jdbc());
    private final AnalyticsLog log = new AnalyticsLog();

    @Test
    void aSliceCountsOnlyItsPriorityAndItsService() {
        AnalyticsLog.emptyTables();
        projections.deliver(log.at("2026-12-01T08:00:00Z", sent("u1", GP, DERM, Priority.URGENT, null)),
                log.at("2026-12-01T10:00:00Z", new ReferralAccepted("u1", ReferralStatus.ACCEPTED)),
                log.at("2026-12-01T08:00:00Z", sent("r1", GP, DERM)),
                log.at("2026-12-02T08:00:00Z", sent("r2", DERM, GP)));

        PartnershipReadModel.Detail urgent = partnerships.detail(GP, DERM, DEC, DEC, 30,
                new PartnershipReadModel.Slice(null, "urgent"));
        PartnershipReadModel.Detail routine = partnerships.detail(GP, DERM, DEC, DEC, 30,
                PartnershipController.slice(AnalyticsLog.SERVICE, "ROUTINE"));
        PartnershipReadModel.Detail otherService = partnerships.detail(GP, DERM, DEC, DEC, 30,
                new PartnershipReadModel.Slice("cardiology", null));

        assertThat(urgent.total().sent()).isEqualTo(1);
        assertThat(urgent.total().received()).isZero();
        assertThat(urgent.total().outgoing().turnarounds().get("sentToAccepted").medianHours()).isEqualTo(2);
        assertThat(routine.total().sent()).isEqualTo(1);
        assertThat(routine.total().received()).isEqualTo(1);
        assertThat(otherService.total().sent()).isZero();
        assertThat(otherService.months()).isEmpty();
        assertThat(partnerships.rows(GP, DERM, DEC, DEC, new PartnershipReadModel.Slice(null, "urgent")))
                .singleElement().satisfies(line -> assertThat(line.month().key().priority()).isEqualTo("urgent"));
    }

    @Test
    void aBlankFilterIsAllAndAnUnknownPriorityIsRefused() {
        assertThat(PartnershipController.slice(" ", "")).isEqualTo(PartnershipReadModel.Slice.ALL);
        assertThatThrownBy(() -> PartnershipController.slice(null, "soon"))
                .isInstanceOf(ResponseStatusException.class).hasMessageContaining("priority must be one of");
    }
}
