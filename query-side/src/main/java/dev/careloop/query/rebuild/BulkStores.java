package dev.careloop.query.rebuild;

import dev.careloop.query.replay.Column;
import dev.careloop.query.replay.JdbcStores;
import dev.careloop.query.replay.Journal;
import dev.careloop.query.replay.RowTable;
import dev.careloop.query.replay.Rows;
import dev.careloop.query.replay.Stores;
import org.postgresql.PGConnection;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The {@link Stores} of a bulk rebuild. Kept rows live in memory while the log is folded and are loaded at the end
 * ({@link #finish}); journal rows are gathered a batch at a time as they come. Each batch goes to one of the
 * loaders, a connection with a thread of its own, which writes the rows as COPY text and sends them: so the fold
 * only gathers rows, while the loaders turn them into text and the server takes them in, side by side. Every
 * connection's search path puts the shadow schema first. The rare rewrite of a journal (an erasure) waits for
 * the loaders, then runs the live SQL on the shadow table. Called from one thread, as the fold is; a row handed
 * over is not changed afterwards (journal rows are values, kept rows are final once the fold is done).
 */
final class BulkStores implements Stores {

    /** Rows in one COPY: about half a megabyte of a journal's text. */
    private static final int BATCH_ROWS = 1_000;
    /** Batches handed to the loaders and not yet written: what the fold may run ahead of the server. */
    private static final int PENDING_BATCHES = 8;

    private final JdbcStores sql;
    private final List<Loader> loaders = new ArrayList<>();
    private final Map<RowTable<?>, KeptRows<?>> kept = new LinkedHashMap<>();
    private final Map<RowTable<?>, GatheredJournal<?>> journals = new LinkedHashMap<>();
    private final Semaphore pending = new Semaphore(PENDING_BATCHES);
    private final Deque<Future<?>> written = new ArrayDeque<>();
    private long rowsWritten;
    private int nextLoader;

    /** {@code connection} runs the rare SQL (rewrites, clears); each of {@code loaders} takes COPYs. */
    BulkStores(Connection connection, List<Connection> loaderConnections) {
        this.sql = new JdbcStores(new JdbcTemplate(new SingleConnectionDataSource(connection, true)));
        for (Connection loader : loaderConnections) {
            loaders.add(new Loader(loader));
        }
    }

    /** Stops the loaders; what they had not written is lost (the rebuild failed, or everything was drained). */
    void close() {
        loaders.forEach(loader -> loader.thread.shutdownNow());
        for (Loader loader : loaders) {
            try {
                // A connection is the caller's again only once a COPY under way has ended.
                loader.thread.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
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
        return (Journal<R>) journals.computeIfAbsent(table, t -> new GatheredJournal<>(table));
    }

    /** Writes everything still held: the journals' last rows, then every kept row; answers the rows written. */
    long finish() {
        journals.values().forEach(GatheredJournal::flush);
        for (KeptRows<?> rows : kept.values()) {
            rows.write();
        }
        drain();
        return rowsWritten;
    }

    /** Hands a batch of rows to the next loader (waiting while {@value #PENDING_BATCHES} batches are unwritten). */
    private <R> void load(RowTable<R> table, List<R> rows) {
        if (rows.isEmpty()) {
            return;
        }
        try {
            pending.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading " + table, e);
        }
        Loader loader = loaders.get(nextLoader++ % loaders.size());
        written.add(loader.thread.submit(() -> {
            try {
                loader.copy(table, rows);
                return null;
            } finally {
                pending.release();
            }
        }));
        rowsWritten += rows.size();
        // Fail early: a COPY that failed stops the fold at the next batch, not at the end.
        while (!written.isEmpty() && written.peek().isDone()) {
            result(written.poll());
        }
    }

    /** Waits until the loaders have written every batch handed to them, failing if one could not be. */
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

    /** A connection that takes COPYs, one at a time, on a thread of its own. */
    private static final class Loader {
        private final Connection connection;
        private final ExecutorService thread =
                Executors.newSingleThreadExecutor(RebuildThreads.named("rebuild-loader"));
        private final StringBuilder text = new StringBuilder(1 << 20);

        Loader(Connection connection) {
            this.connection = connection;
        }

        <R> void copy(RowTable<R> table, List<R> rows) {
            text.setLength(0);
            for (R row : rows) {
                CopyText.append(text, table, row);
            }
            byte[] data = text.toString().getBytes(StandardCharsets.UTF_8);
            try {
                connection.unwrap(PGConnection.class).getCopyAPI()
                        .copyIn(CopyText.copyStatement(table), new ByteArrayInputStream(data));
            } catch (SQLException | IOException e) {
                throw new IllegalStateException("could not load " + table + ": " + e.getMessage(), e);
            }
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
            List<R> batch = new ArrayList<>(BATCH_ROWS);
            for (R row : rows.values()) {
                batch.add(row);
                if (batch.size() == BATCH_ROWS) {
                    load(table, batch);
                    batch = new ArrayList<>(BATCH_ROWS);
                }
            }
            load(table, batch);
            rows.clear();
            indexes.clear();
        }
    }

    /** A journal's rows, handed to a loader a batch at a time. */
    private final class GatheredJournal<R> implements Journal<R> {
        private final RowTable<R> table;
        private List<R> batch = new ArrayList<>(BATCH_ROWS);

        GatheredJournal(RowTable<R> table) {
            this.table = table;
        }

        @Override
        public void add(R row) {
            batch.add(row);
            if (batch.size() == BATCH_ROWS) {
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
            batch.clear();
            drain();
            sql.journal(table).clear();
        }

        void flush() {
            load(table, batch);
            batch = new ArrayList<>(BATCH_ROWS);
        }
    }
}
