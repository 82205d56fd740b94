package dev.careloop.query.analytics;

import dev.careloop.api.partnership.FindPartnershipMeasures;
import dev.careloop.api.partnership.GoalMeasure;
import dev.careloop.api.partnership.ListPartnershipMeasures;
import dev.careloop.api.partnership.PartnershipMeasures;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;

/**
 * A partnership's measures by month for the FHIR facade's MeasureReports: the same figures as the partnership
 * routes, both directions together, for one of the two organisations only.
 */
@Component
class PartnershipMeasureQueries {

    private final PartnershipReadModel readModel;
    private final JdbcTemplate jdbc;

    PartnershipMeasureQueries(PartnershipReadModel readModel, JdbcTemplate jdbc) {
        this.readModel = readModel;
        this.jdbc = jdbc;
    }

    @QueryHandler
    PartnershipMeasures find(FindPartnershipMeasures query) {
        if (query.caller() == null || !query.caller().equals(query.first()) && !query.caller().equals(query.second())
                || query.first().compareTo(query.second()) >= 0) {
            return null;
        }
        YearMonth month;
        try {
            month = YearMonth.parse(query.month());
        } catch (RuntimeException e) {
            return null;
        }
        List<PartnershipReadModel.Line> lines = readModel.rows(query.first(), query.second(), month, month);
        return lines == null || lines.isEmpty() ? null : of(query.first(), query.second(), month, lines);
    }

    @QueryHandler
    List<PartnershipMeasures> list(ListPartnershipMeasures query) {
        YearMonth from = YearMonth.parse(query.from());
        YearMonth to = YearMonth.parse(query.to());
        List<PartnershipMeasures> all = new ArrayList<>();
        jdbc.query("SELECT DISTINCT least(sender_org, recipient_org) AS a, greatest(sender_org, recipient_org) AS b,"
                        + " month FROM analytics_month WHERE referrals > 0 AND month BETWEEN ? AND ?"
                        + " AND sender_org <> recipient_org AND (?::text IS NULL OR sender_org = ? OR recipient_org = ?)"
                        + " ORDER BY a, b, month",
                rs -> {
                    YearMonth month = YearMonth.from(rs.getObject("month", LocalDate.class));
                    String first = rs.getString("a");
                    String second = rs.getString("b");
                    List<PartnershipReadModel.Line> lines = readModel.rows(first, second, month, month);
                    if (lines != null && !lines.isEmpty()) {
                        all.add(of(first, second, month, lines));
                    }
                }, from.atDay(1), to.atDay(1), query.organisation(), query.organisation(), query.organisation());
        return all;
    }

    /** The month's measures of the pair, both ways together. */
    static PartnershipMeasures of(String first, String second, YearMonth month, List<PartnershipReadModel.Line> lines) {
        Measures m = PartnershipReadModel.measuresOf(lines, PartnershipController.DEFAULT_TARGET_DAYS);
        int sent = 0;
        int received = 0;
        for (PartnershipReadModel.Line l : lines) {
            if (PartnershipReadModel.OUTGOING.equals(l.direction())) {
                sent += l.month().counts().referrals();
            } else {
                received += l.month().counts().referrals();
            }
        }
        List<PartnershipMeasures.Value> values = new ArrayList<>();
        values.add(new PartnershipMeasures.Value("slaMetRate", m.slaMetRate(), (long) m.slaMet(),
                (long) m.referrals()));
        values.add(new PartnershipMeasures.Value(GoalMeasure.LOOP_CLOSURE_RATE, m.loopClosureRate(), m.loopsClosed(),
                (long) (m.referrals() - m.declined() - m.cancelled())));
        int most = Math.max(sent, received);
        values.add(new PartnershipMeasures.Value(GoalMeasure.RECIPROCITY,
                most == 0 ? null : Measures.rate(Math.min(sent, received), most), (long) Math.min(sent, received),
                (long) most));
        values.add(new PartnershipMeasures.Value("leakageRate", m.leakageRate(), (long) m.leaked(),
                (long) (m.declined() + m.cancelled())));
        for (String turnaround : GoalMeasure.TURNAROUNDS) {
            Measures.Turnaround t = m.turnarounds().get(turnaround);
            values.add(new PartnershipMeasures.Value(turnaround + ".medianHours",
                    t.medianHours() == null ? null : t.medianHours().doubleValue(), null, t.count()));
            values.add(new PartnershipMeasures.Value(turnaround + ".p90Hours",
                    t.p90Hours() == null ? null : t.p90Hours().doubleValue(), null, t.count()));
        }
        return new PartnershipMeasures(first, second, month.toString(), values);
    }
}
