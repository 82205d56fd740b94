package dev.careloop.web.referral;

import dev.careloop.api.referral.ReferralStatus;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Times and codes as a clinician reads them, for the templates ({@code ${@when.due(r.slaDueAt)}}): the API's instants
 * in the clinic's local time, deadlines in words ("due in 3 days", "2 days overdue"), statuses in words.
 */
@Component("when")
public class When {

    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("EEE d MMM yyyy, HH:mm",
            Locale.UK);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.UK);
    /** A deadline this close is flagged "due soon". */
    static final Duration SOON = Duration.ofHours(48);

    private final Clock clock;
    private final ZoneId zone;

    When() {
        this(Clock.systemUTC(), ZoneId.systemDefault());
    }

    When(Clock clock, ZoneId zone) {
        this.clock = clock;
        this.zone = zone;
    }

    public ZoneId zone() {
        return zone;
    }

    /** "Thu 3 Dec 2026, 14:00" in the clinic's zone; empty for nothing. */
    public String at(Object instant) {
        Instant i = instant(instant);
        return i == null ? "" : DATE_TIME.format(i.atZone(zone));
    }

    public String date(Object instant) {
        Instant i = instant(instant);
        return i == null ? "" : DATE.format(i.atZone(zone));
    }

    /** "due in 3 days", "due in 5 hours", "2 days overdue". */
    public String due(Object instant) {
        Instant i = instant(instant);
        if (i == null) {
            return "";
        }
        Duration left = Duration.between(clock.instant(), i);
        return left.isNegative() ? span(left.negated()) + " overdue" : "due in " + span(left);
    }

    /** Whether the deadline is still ahead but within {@link #SOON}. */
    public boolean dueSoon(Object instant) {
        Instant i = instant(instant);
        if (i == null) {
            return false;
        }
        Duration left = Duration.between(clock.instant(), i);
        return !left.isNegative() && left.compareTo(SOON) <= 0;
    }

    /** The status code of the API ("information-requested") in words ("Information requested"). */
    public String status(Object code) {
        if (code == null) {
            return "";
        }
        try {
            return ReferralStatus.fromCode(code.toString()).display();
        } catch (IllegalArgumentException unknown) {
            return code.toString();
        }
    }

    /** An event's type ("InformationRequested", or a qualified name) in words ("Information requested"). */
    public String event(Object type) {
        if (type == null) {
            return "";
        }
        String simple = type.toString().substring(type.toString().lastIndexOf('.') + 1);
        String words = simple.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
        return words.isEmpty() ? words : Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    /** A {@code datetime-local} field's value, in the clinic's zone, as the instant the API takes. */
    public Instant fromLocal(String local) {
        if (local == null || local.isBlank()) {
            return null;
        }
        try {
            return LocalDateTime.parse(local).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String span(Duration d) {
        long days = d.toDays();
        if (days >= 1) {
            return days + (days == 1 ? " day" : " days");
        }
        long hours = d.toHours();
        if (hours >= 1) {
            return hours + (hours == 1 ? " hour" : " hours");
        }
        long minutes = Math.max(1, d.toMinutes());
        return minutes + (minutes == 1 ? " minute" : " minutes");
    }

    private static Instant instant(Object value) {
        if (value instanceof Instant i) {
            return i;
        }
        if (value == null || value.toString().isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.toString());
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
