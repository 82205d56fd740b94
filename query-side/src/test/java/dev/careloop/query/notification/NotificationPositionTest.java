package dev.careloop.query.notification;

import dev.careloop.query.ReadModelDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the live stream reads after its position: only rows no earlier transaction can still add before, so a row
 * whose transaction commits late is read after it commits, never skipped.
 */
class NotificationPositionTest {

    private final NotificationReadModel notifications = new NotificationReadModel(ReadModelDatabase.jdbc());

    @BeforeEach
    void startEmpty() {
        NotificationLog.emptyTables();
    }

    @Test
    void aStreamStartsAfterWhatIsWrittenAndReadsWhatFollows() throws SQLException {
        try (Connection c = connection()) {
            insert(c, "before");
        }
        NotificationReadModel.Position head = notifications.head();

        try (Connection c = connection()) {
            insert(c, "after");
        }

        assertThat(notifications.after(head, 10)).extracting(w -> w.item().title()).containsExactly("after");
    }

    @Test
    void aRowWhoseTransactionCommitsLateIsReadOnceItCommitsAndNotPassedOver() throws SQLException {
        NotificationReadModel.Position head = notifications.head();
        try (Connection late = connection(); Connection quick = connection()) {
            late.setAutoCommit(false);
            insert(late, "late");
            insert(quick, "quick");

            // The quick row committed, but the late transaction began before it: nothing is read yet.
            assertThat(notifications.after(head, 10)).isEmpty();

            late.commit();
        }

        List<NotificationReadModel.Written> both = notifications.after(head, 10);
        assertThat(both).extracting(w -> w.item().title()).containsExactly("late", "quick");
        assertThat(notifications.after(both.get(1).position(), 10)).isEmpty();
    }

    private static Connection connection() throws SQLException {
        return ReadModelDatabase.jdbc().getDataSource().getConnection();
    }

    private static void insert(Connection c, String title) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO notification (id, event_id, referral_id, "
                + "organisation, kind, title, text, at) VALUES (?, ?, 'r1', 'riverside-derm', 'referral-received', ?, "
                + "'text', ?)")) {
            s.setString(1, UUID.randomUUID().toString());
            s.setString(2, UUID.randomUUID().toString());
            s.setString(3, title);
            s.setTimestamp(4, Timestamp.from(Instant.now()));
            s.executeUpdate();
        }
    }
}
