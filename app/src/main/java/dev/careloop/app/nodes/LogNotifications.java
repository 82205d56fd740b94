package dev.careloop.app.nodes;

import com.zaxxer.hikari.HikariDataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * This node's ear on the shared database: one dedicated connection (outside the pool) LISTENing to careloop_log
 * (an append committed, on any node) and careloop_progress (an event processor stored a token, on any node), see
 * V30__several_nodes.sql. It wakes this node's tracking processors and the readers waiting for a position. After a
 * lost connection (a database restart) it connects again, backing off up to 5 s, and wakes everyone once, as
 * notifications sent meanwhile are lost; readers also look again on their own every 250 ms.
 */
@Component
class LogNotifications implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LogNotifications.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final HikariDataSource pool;
    private final EventStoreWakeUp eventStore;
    private final ProcessingProgress progress;
    private volatile Thread listener;
    private volatile Connection connection;

    LogNotifications(DataSource dataSource, EventStoreWakeUp eventStore, ProcessingProgress progress) {
        this.pool = (HikariDataSource) dataSource;
        this.eventStore = eventStore;
        this.progress = progress;
    }

    private void listen() {
        long backoff = 100;
        while (listener == Thread.currentThread()) {
            try (Connection listening = DriverManager.getConnection(pool.getJdbcUrl(), pool.getUsername(),
                    pool.getPassword())) {
                connection = listening;
                try (Statement statement = listening.createStatement()) {
                    statement.execute("LISTEN careloop_log; LISTEN careloop_progress");
                }
                backoff = 100;
                eventStore.logGrew();
                progress.moved();
                PGConnection notifications = listening.unwrap(PGConnection.class);
                while (listener == Thread.currentThread()) {
                    PGNotification[] received = notifications.getNotifications(1000);
                    if (received == null) {
                        continue;
                    }
                    boolean appended = false;
                    boolean moved = false;
                    for (PGNotification notification : received) {
                        appended |= "careloop_log".equals(notification.getName());
                        moved |= "careloop_progress".equals(notification.getName());
                    }
                    if (appended) {
                        eventStore.logGrew();
                    }
                    if (moved) {
                        progress.moved();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (listener != Thread.currentThread()) {
                    return;
                }
                log.warn("Listening for the log's notifications failed; connecting again in {} ms: {}", backoff,
                        e.toString());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    return;
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
            } finally {
                connection = null;
            }
        }
    }

    @Override
    public void start() {
        Thread thread = new Thread(this::listen, "log-notifications");
        thread.setDaemon(true);
        listener = thread;
        thread.start();
    }

    @Override
    public void stop() {
        Thread thread = listener;
        listener = null;
        if (thread == null) {
            return;
        }
        thread.interrupt();
        Connection open = connection;
        if (open != null) {
            try {
                open.close();
            } catch (SQLException e) {
                // closing to unblock the listener; it is going away either way
            }
        }
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return listener != null;
    }

    @Override
    public int getPhase() {
        // Before Axon's processors start (they are woken from the start), stopped after them.
        return Integer.MIN_VALUE + 1000;
    }
}
