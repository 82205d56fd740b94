package dev.careloop.query.notification;

import dev.careloop.query.replay.RowTable;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import static dev.careloop.query.replay.RowValues.instant;

/**
 * One notification as the projection writes it: for a whole organisation ({@code person} null) or for one person of
 * it. {@code actor} is the subject who caused the event, who is never shown it.
 */
record NotificationRow(String id, String eventId, String referralId, String organisation, String person, String actor,
                       String kind, String title, String text, Instant at) {

    static final RowTable<NotificationRow> TABLE = RowTable.<NotificationRow>named("notification")
            .column("id", NotificationRow::id)
            .column("event_id", NotificationRow::eventId)
            .column("referral_id", NotificationRow::referralId)
            .column("organisation", NotificationRow::organisation)
            .column("person", NotificationRow::person)
            .column("actor", NotificationRow::actor)
            .column("kind", NotificationRow::kind)
            .column("title", NotificationRow::title)
            .column("text", NotificationRow::text)
            .column("at", NotificationRow::at)
            .key("id")
            .reader(rs -> new NotificationRow(rs.getString("id"), rs.getString("event_id"),
                    rs.getString("referral_id"), rs.getString("organisation"), rs.getString("person"),
                    rs.getString("actor"), rs.getString("kind"), rs.getString("title"), rs.getString("text"),
                    instant(rs.getTimestamp("at"))));

    /** The same id for the same event and recipient, however often the log is projected. */
    static String idOf(String eventId, String organisation, String person) {
        String name = "careloop-notification|" + eventId + "|" + organisation + "|" + (person == null ? "" : person);
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
