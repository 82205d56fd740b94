package dev.careloop.app.replay;

import dev.careloop.query.replay.Column;
import dev.careloop.query.replay.JdbcStores;
import dev.careloop.query.replay.Journal;
import dev.careloop.query.replay.RowTable;
import dev.careloop.query.replay.Rows;
import dev.careloop.query.replay.Stores;
import org.postgresql.PGConnection;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.UnaryOperator;

/**
 * The {@link Stores} of a bulk rebuild, on one connection whose search path puts the shadow schema first. Kept
 * rows live in memory while the log is folded and are loaded with COPY at the end ({@link #finish}); journal rows
 * stream into their tables with COPY as they come, a few megabytes at a time. The COPYs run on a writer thread of
 * their own, in order, so that the server takes in one buffer while the fold fills the next. The rare rewrite of
 * a journal (an erasure) waits for the writer, then runs the live SQL on the shadow table. Called from one thread,
 * as the fold is.
 */
final class BulkStores implements Stores {

    private static final int FLUSH_CHARS = 1 << 20;
    /** Buffers handed to the writer and not yet written: what the fold may run ahead of the server. */
    private static final int PENDING_BUFFERS = 8;

    private final Connection connection;
    private final JdbcStores sql;
    private final Map<RowTable<?>, KeptRows<?>> kept = new LinkedHashMap<>();
    private final Map<RowTable<?>, StreamedJournal<?>> journals = new LinkedHashMap<>();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(RebuildThreads.named("rebuild-writer"));
    private final Semaphore pending = new Semaphore(PENDING_BUFFERS);
    private final Deque<Future<?>> written = new ArrayDeque<>();
    private long rowsWritten;

    BulkStores(Connection connection) {
        this.connection = connection;
        this.sql = new JdbcStores(new JdbcTemplate(new SingleConnectionDataSource(connection, true)));
    }

    /** Stops the writer; what it had not written is lost (the rebuild failed, or everything was drained). */
    void close() {
        writer.shutdownNow();
        try {
            // The connection is the caller's again only once a COPY under way has ended.
            writer.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> Rows<R> rows(RowTable<R> table) {
        return (Rows<R>) kept.computeIfAbsent(table, t -> new KeptRows<>(table));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> Journal<R> journal(RowTable<R> table) {
        return (Journal<R>) journals.computeIfAbsent(table, t -> new StreamedJournal<>(table));
    }

    /** Writes everything still held: the journals' last rows, then every kept row; answers the rows written. */
    long finish() {
        journals.values().forEach(StreamedJournal::flush);
        for (KeptRows<?> rows : kept.values()) {
            rows.write();
        }
        drain();
        return rowsWritten;
    }

    /** Hands a buffer of rows to the writer (waiting while it is {@value #PENDING_BUFFERS} buffers behind). */
    private <R> void copy(RowTable<R> table, StringBuilder text, int rows) {
        if (rows == 0) {
            return;
        }
        String data = text.toString();
        try {
            pending.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading " + table, e);
        }
        written.add(writer.submit(() -> {
            try {
                connection.unwrap(PGConnection.class).getCopyAPI()
                        .copyIn(CopyText.copyStatement(table), new StringReader(data));
                return null;
            } catch (SQLException | java.io.IOException e) {
                throw new IllegalStateException("could not load " + table + ": " + e.getMessage(), e);
            } finally {
                pending.release();
            }
        }));
        rowsWritten += rows;
        // Fail early: a COPY that failed stops the fold at the next buffer, not at the end.
        while (!written.isEmpty() && written.peek().isDone()) {
            result(written.poll());
        }
    }

    /** Waits until the writer has written every buffer handed to it, failing if one could not be. */
    private void drain() {
        while (!written.isEmpty()) {
            result(written.poll());
        }
    }

    private static void result(Future<?> copy) {
        try {
            copy.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** A table's rows by key, with an index per column that {@code findAll} has been asked about. */
    private final class KeptRows<R> implements Rows<R> {
        private final RowTable<R> table;
        private final Map<List<Object>, R> rows = new HashMap<>();
        // Value -> keys of rows that had it when put; stale entries (a row changed since) are filtered on read.
        private final Map<Column<R>, Map<Object, Set<List<Object>>>> indexes = new HashMap<>();

        KeptRows(RowTable<R> table) {
            this.table = table;
        }

        @Override
        public R find(Object... key) {
            return rows.get(List.of(key));
        }

        @Override
        public List<R> findAll(Column<R> column, Object value) {
            Map<Object, Set<List<Object>>> index = indexes.computeIfAbsent(column, this::index);
            List<R> found = new ArrayList<>();
            for (List<Object> key : index.getOrDefault(value, Set.of())) {
                R row = rows.get(key);
                if (row != null && Objects.equals(column.of(row), value)) {
                    found.add(row);
                }
            }
            return found;
        }

        @Override
        public void put(R row) {
            List<Object> key = table.keyOf(row);
            rows.put(key, row);
            for (Map.Entry<Column<R>, Map<Object, Set<List<Object>>>> index : indexes.entrySet()) {
                index.getValue().computeIfAbsent(index.getKey().of(row), v -> new LinkedHashSet<>()).add(key);
            }
        }

        @Override
        public void clear() {
            rows.clear();
            indexes.clear();
        }

        private Map<Object, Set<List<Object>>> index(Column<R> column) {
            Map<Object, Set<List<Object>>> index = new HashMap<>();
            rows.forEach((key, row) -> index.computeIfAbsent(column.of(row), v -> new LinkedHashSet<>()).add(key));
            return index;
        }

        void write() {
            StringBuilder text = new StringBuilder();
            int count = 0;
            for (R row : rows.values()) {
                CopyText.append(text, table, row);
                count++;
                if (text.length() >= FLUSH_CHARS) {
                    copy(table, text, count);
                    text.setLength(0);
                    count = 0;
                }
            }
            copy(table, text, count);
            rows.clear();
            indexes.clear();
        }
    }

    /** A journal's rows as COPY text, sent whenever a few megabytes have gathered. */
    private final class StreamedJournal<R> implements Journal<R> {
        private final RowTable<R> table;
        private final StringBuilder text = new StringBuilder();
        private int count;

        StreamedJournal(RowTable<R> table) {
            this.table = table;
        }

        @Override
        public void add(R row) {
            CopyText.append(text, table, row);
            count++;
            if (text.length() >= FLUSH_CHARS) {
                flush();
            }
        }

        @Override
        public int rewrite(String condition, List<Object> args, UnaryOperator<R> change) {
            flush();
            drain();
            return sql.journal(table).rewrite(condition, args, change);
        }

        @Override
        public void clear() {
            text.setLength(0);
            count = 0;
            drain();
            sql.journal(table).clear();
        }

        void flush() {
            copy(table, text, count);
            text.setLength(0);
            count = 0;
        }
    }
}
