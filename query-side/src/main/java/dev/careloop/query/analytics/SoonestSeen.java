package dev.careloop.query.analytics;

import dev.careloop.api.Actor;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a patient is seen soonest (docs/ANALYTICS.md): for one service, the organisations that received referrals
 * for it in the last months, ranked by their median time from a referral being sent to the patient being seen.
 * Figures per recipient over every sender of the network, so a sender can choose where to refer; no pair of
 * organisations is shown apart, and the caller's own organisation (which it cannot refer to) is left out.
 */
@RestController
@Tag(name = "Partnerships")
class SoonestSeen {

    static final int DEFAULT_MONTHS = 6;
    static final int MAX_MONTHS = 24;
    static final int MAX_SERVICE = 200;

    private final JdbcTemplate jdbc;
    private final Clock clock;

    @Autowired
    SoonestSeen(JdbcTemplate jdbc) {
        this(jdbc, Clock.systemUTC());
    }

    SoonestSeen(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * One recipient for the service: referrals it received, how many were seen, sent -> seen median and p90, and how
     * many were offered a slot with sent -> earliest offered slot median and p90 (docs/ANALYTICS.md, "Turnarounds").
     */
    record Recipient(String organisation, int referrals, long seen, Long medianHoursToSeen, Long p90HoursToSeen,
                     long offeredSlot, Long medianHoursToEarliestSlot, Long p90HoursToEarliestSlot) {
    }

    record Ranking(String service, String from, String to, List<Recipient> recipients) {
    }

    @GetMapping("/api/partnerships/soonest")
    @Operation(summary = "For a service, the recipients ranked by median time from sent to seen over referrals sent "
            + "in the last months (UTC, by month sent), with the time to the earliest slot offered; recipients with "
            + "none seen yet come last")
    Ranking soonest(Actor actor,
                    @Parameter(description = "the service's code, as the directory lists it") @RequestParam(required = false) String service,
                    @Parameter(description = "how many months back, this month included (1-24)")
                    @RequestParam(defaultValue = "" + DEFAULT_MONTHS) int months) {
        if (service == null || service.isBlank()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "service is required");
        }
        if (service.length() > MAX_SERVICE) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "service is at most " + MAX_SERVICE
                    + " characters");
        }
        if (months < 1 || months > MAX_MONTHS) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "months must be between 1 and " + MAX_MONTHS);
        }
        YearMonth to = YearMonth.now(clock.withZone(ZoneOffset.UTC));
        return rank(actor.organisation(), service.strip(), to.minusMonths(months - 1L), to);
    }

    /**
     * The ranking over referrals for {@code service} (its directory code or name, in any case) sent from..to,
     * without the caller's own organisation.
     */
    Ranking rank(String organisation, String service, YearMonth from, YearMonth to) {
        Map<String, Sum> sums = new TreeMap<>();
        List<Object> args = new ArrayList<>(List.of(from.atDay(1), to.atDay(1), organisation));
        args.addAll(PartnershipReadModel.Slice.serviceArgs(service));
        // Only the columns the ranking needs (two of the nine jsonb maps), found by the service's index.
        jdbc.query("SELECT recipient_org, referrals, seen_hist, slot_hist FROM analytics_month"
                        + " WHERE month BETWEEN ? AND ? AND referrals > 0"
                        + " AND recipient_org <> ? AND sender_org <> recipient_org AND "
                        + PartnershipReadModel.Slice.SERVICE_MATCH,
                rs -> {
                    Sum sum = sums.computeIfAbsent(rs.getString("recipient_org"), r -> new Sum());
                    sum.referrals += rs.getInt("referrals");
                    sum.seen.addJson(rs.getString("seen_hist"));
                    sum.slot.addJson(rs.getString("slot_hist"));
                }, args.toArray());
        List<Recipient> recipients = new ArrayList<>();
        sums.forEach((recipient, sum) -> {
            Histogram seen = sum.seen.histogram();
            Histogram slot = sum.slot.histogram();
            recipients.add(new Recipient(recipient, sum.referrals, seen.count(), seen.percentileHours(0.5),
                    seen.percentileHours(0.9), slot.count(), slot.percentileHours(0.5), slot.percentileHours(0.9)));
        });
        recipients.sort(Comparator.comparing(Recipient::medianHoursToSeen,
                        Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(Recipient::p90HoursToSeen, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(Recipient::organisation));
        return new Ranking(service, from.toString(), to.toString(), recipients);
    }

    private static final class Sum {
        private int referrals;
        private final Histogram.Accumulator seen = new Histogram.Accumulator();
        private final Histogram.Accumulator slot = new Histogram.Accumulator();
    }
}
