package dev.careloop.query.notification;

import dev.careloop.api.Actor;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.List;

import static dev.careloop.query.replay.RowValues.instant;

/**
 * A person's notifications: those of their organisation and those for them alone, never those of what they did
 * themselves; read or not per person. The SQL of who sees a row is written once ({@link #VISIBLE}).
 */
@Component
class NotificationReadModel {

    /** A notification as the API shows it. */
    record Item(String id, String kind, String referralId, String title, String text, Instant at, boolean read) {
    }

    record Page(List<Item> items, long unread, int page, int size, long total) {
    }

    record Count(long unread) {
    }

    /** Where a reader of the rows stands: after row {@code id} of those written by transaction {@code tx}. */
    record Position(String tx, String id) {
    }

    /** A row the live stream found: who may see it, and the item. */
    record Written(String tx, String organisation, String person, String actor, Item item) {

        Position position() {
            return new Position(tx, item.id());
        }

        boolean visibleTo(Actor actor) {
            return organisation.equals(actor.organisation()) && (person == null || person.equals(actor.userId()))
                    && !actor.userId().equals(this.actor);
        }
    }

    /** The rows an actor sees: parameters organisation, subject, subject. */
    private static final String VISIBLE =
            " n.organisation = ? AND (n.person IS NULL OR n.person = ?) AND n.actor IS DISTINCT FROM ? ";
    private static final String UNREAD =
            " NOT EXISTS (SELECT 1 FROM notification_read r WHERE r.person = ? AND r.notification_id = n.id) ";

    private final JdbcTemplate jdbc;

    NotificationReadModel(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Newest first; {@code unreadOnly} leaves out what this person has read. */
    Page page(Actor actor, boolean unreadOnly, int page, int size) {
        String who = actor.userId();
        String where = " FROM notification n WHERE" + VISIBLE + (unreadOnly ? "AND" + UNREAD : "");
        Object[] whereArgs = unreadOnly ? new Object[]{actor.organisation(), who, who, who}
                : new Object[]{actor.organisation(), who, who};
        Long total = jdbc.queryForObject("SELECT count(*)" + where, Long.class, whereArgs);
        Object[] pageArgs = new Object[whereArgs.length + 3];
        pageArgs[0] = who;
        System.arraycopy(whereArgs, 0, pageArgs, 1, whereArgs.length);
        pageArgs[whereArgs.length + 1] = size;
        pageArgs[whereArgs.length + 2] = (long) page * size;
        List<Item> items = jdbc.query("SELECT n.*, EXISTS (SELECT 1 FROM notification_read r WHERE r.person = ? "
                + "AND r.notification_id = n.id) AS is_read" + where
                + "ORDER BY n.at DESC, n.id DESC LIMIT ? OFFSET ?", ITEM, pageArgs);
        return new Page(items, unread(actor), page, size, total == null ? 0 : total);
    }

    long unread(Actor actor) {
        String who = actor.userId();
        Long count = jdbc.queryForObject("SELECT count(*) FROM notification n WHERE" + VISIBLE + "AND" + UNREAD,
                Long.class, actor.organisation(), who, who, who);
        return count == null ? 0 : count;
    }

    /** Marks one notification read; false when the actor does not see it (another's, or none). */
    boolean markRead(Actor actor, String id) {
        String who = actor.userId();
        Integer visible = jdbc.queryForObject("SELECT count(*) FROM notification n WHERE n.id = ? AND" + VISIBLE,
                Integer.class, id, actor.organisation(), who, who);
        if (visible == null || visible == 0) {
            return false;
        }
        jdbc.update("INSERT INTO notification_read (notification_id, person) VALUES (?, ?) ON CONFLICT DO NOTHING",
                id, who);
        return true;
    }

    /** Marks every notification the actor sees now as read. */
    void markAllRead(Actor actor) {
        String who = actor.userId();
        jdbc.update("INSERT INTO notification_read (notification_id, person) SELECT n.id, ? FROM notification n WHERE"
                + VISIBLE + "ON CONFLICT DO NOTHING", who, actor.organisation(), who, who);
    }

    /**
     * The rows written after {@code position} by transactions older than every one still running,
     * in that order: a row no earlier transaction can still add before, so a reader that moves its position to the
     * last row it got misses none (a later transaction can commit before an earlier one, but rows are read only once
     * every transaction older than theirs has ended; all rows of one transaction appear at once).
     */
    List<Written> after(Position position, int limit) {
        return jdbc.query("SELECT n.*, n.tx::text AS tx_text, false AS is_read FROM notification n "
                        + "WHERE (n.tx, n.id) > (?::xid8, ?) AND n.tx < pg_snapshot_xmin(pg_current_snapshot()) "
                        + "ORDER BY n.tx, n.id LIMIT ?",
                (rs, i) -> new Written(rs.getString("tx_text"), rs.getString("organisation"),
                        rs.getString("person"), rs.getString("actor"), ITEM.mapRow(rs, i)), position.tx(), position.id(), limit);
    }

    /** The position after every row written so far by finished transactions: where a new stream starts. */
    Position head() {
        List<Position> last = jdbc.query("SELECT n.tx::text AS tx, n.id FROM notification n "
                        + "WHERE n.tx < pg_snapshot_xmin(pg_current_snapshot()) ORDER BY n.tx DESC, n.id DESC LIMIT 1",
                (rs, i) -> new Position(rs.getString("tx"), rs.getString("id")));
        return last.isEmpty() ? new Position("0", "") : last.get(0);
    }

    private static final RowMapper<Item> ITEM = (rs, i) -> new Item(rs.getString("id"), rs.getString("kind"),
            rs.getString("referral_id"), rs.getString("title"), rs.getString("text"), instant(rs.getTimestamp("at")),
            rs.getBoolean("is_read"));
}
