package dev.careloop.plumbing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.Collection;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Read-your-writes across nodes (README, "The API"; docs/OPERATIONS.md), in one place for every edge: a write (REST
 * or FHIR) answers {@value #HEADER}, the log position of the newest event of what it wrote; a read (under /api or
 * /fhir) that sends it back is answered once this node's read models have processed that position (app's
 * ReadPositionFilter).
 */
public final class ReadPositions {

    public static final String HEADER = "CareLoop-Position";
    /** Why a read's {@value #HEADER} is refused, in the words of a 400's field error. */
    public static final String MALFORMED = "must be a log position as a write answered it (a whole number, 0 or more)";

    private static final Logger log = LoggerFactory.getLogger(ReadPositions.class);

    private final JdbcTemplate jdbc;

    public ReadPositions(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The position a read waits for to show a committed write of {@code aggregateIds}: the newest event of those
     * aggregates, which is the write's or a later one. Empty when there is none or it cannot be looked up (the
     * database went away after the commit): the write still answers, without the header.
     */
    public Optional<Long> ofWrite(String what, Collection<String> aggregateIds) {
        if (aggregateIds.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(jdbc.queryForObject("SELECT max(global_index) FROM domain_event_entry "
                    + "WHERE aggregate_identifier = ANY(?)", Long.class, (Object) aggregateIds.toArray(String[]::new)));
        } catch (RuntimeException e) {
            log.warn("Committed {}; its log position could not be read: {}", what, e.toString());
            return Optional.empty();
        }
    }

    /** The position a read sent, or empty when it is not a whole number of 0 or more. */
    public static OptionalLong parse(String header) {
        try {
            long position = Long.parseLong(header.trim());
            return position < 0 ? OptionalLong.empty() : OptionalLong.of(position);
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
