package dev.careloop.query.analytics;

import dev.careloop.query.CsvCells;

import java.time.YearMonth;
import java.util.List;

/** A partnership's rows as CSV (RFC 4180): text quoted, and a leading =, +, - or @ defused for spreadsheets. */
final class PartnershipCsv {

    static final String HEADER = "month,direction,partner,service,priority,referrals,accepted,declined,forwarded,"
            + "cancelled,booked,seen,outcomes,acknowledged,sla_met,sla_missed,no_shows,reschedules,held,hold_hours,"
            + "loops_closed,loop_closure_rate,accepted_median_hours,accepted_p90_hours,booked_median_hours,"
            + "booked_p90_hours,seen_median_hours,seen_p90_hours,outcome_median_hours,outcome_p90_hours,"
            + "acknowledged_median_hours,acknowledged_p90_hours,closed_median_hours,closed_p90_hours,"
            + "earliest_slot_median_hours,earliest_slot_p90_hours,visits_cancelled,visits_cancelled_by_sender,"
            + "visits_cancelled_by_recipient,leaked";

    private PartnershipCsv() {
    }

    static String of(List<PartnershipReadModel.Line> lines, int targetDays) {
        StringBuilder csv = new StringBuilder(HEADER).append("\r\n");
        for (PartnershipReadModel.Line line : lines) {
            AnalyticsMonth m = line.month();
            Measures x = Measures.of(m.counts(), m.turnarounds(), targetDays);
            csv.append(YearMonth.from(m.key().month())).append(',').append(line.direction()).append(',')
                    .append(CsvCells.field(line.partner())).append(',').append(CsvCells.field(m.key().service())).append(',')
                    .append(CsvCells.field(m.key().priority()));
            for (Object value : List.of(x.referrals(), x.accepted(), x.declined(), x.forwarded(), x.cancelled(),
                    x.booked(), x.seen(), x.outcomes(), x.acknowledged(), x.slaMet(), x.slaMissed(), x.noShows(),
                    x.reschedules(), x.held(), x.holdHours(), x.loopsClosed())) {
                csv.append(',').append(value);
            }
            csv.append(',').append(x.loopClosureRate() == null ? "" : x.loopClosureRate());
            for (Measures.Turnaround t : x.turnarounds().values()) {
                csv.append(',').append(t.medianHours() == null ? "" : t.medianHours())
                        .append(',').append(t.p90Hours() == null ? "" : t.p90Hours());
            }
            for (Object value : List.of(x.visitsCancelled(), x.visitsCancelledBySender(),
                    x.visitsCancelledByRecipient(), x.leaked())) {
                csv.append(',').append(value);
            }
            csv.append("\r\n");
        }
        return csv.toString();
    }

    /** A partner's id as a file name: letters, digits, dot, dash and underscore. */
    static String fileName(String partner) {
        return partner.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
