package dev.careloop.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a phase's measured window cost, read before and after it: CPU of the app, of PostgreSQL (the postmaster and
 * every process it started, backends included) and of this benchmark's own JVM, from {@code /proc}; and from the
 * server, committed transactions ({@code pg_stat_database.xact_commit}, every database, read-only ones included),
 * transaction ids assigned (transactions and subtransactions that wrote), WAL fsyncs ({@code pg_stat_wal.wal_sync})
 * and WAL bytes ({@code pg_current_wal_lsn()}). A source that cannot be read (an app on another machine, a
 * PostgreSQL in another container) gives n/a, never a guess.
 */
final class Costs implements AutoCloseable {

    private final long appPid;
    private final Connection db;
    private final boolean hasStatWal;
    private final long postmasterPid;
    private final List<String> notes = new ArrayList<>();

    /** @param appPid the app's process (0: none known); @param jdbcUrl the server the app writes to (null: none) */
    Costs(long appPid, String jdbcUrl) {
        this.appPid = appPid > 0 && Proc.stat(appPid) != null ? appPid : 0;
        if (appPid > 0 && this.appPid == 0) {
            notes.add("no process " + appPid + " in /proc: app CPU n/a");
        }
        Connection connection = null;
        boolean statWal = false;
        long postmaster = 0;
        if (jdbcUrl != null) {
            try {
                connection = DriverManager.getConnection(jdbcUrl);
                connection.setAutoCommit(true);
                try (Statement st = connection.createStatement();
                     ResultSet rs = st.executeQuery("SELECT to_regclass('pg_catalog.pg_stat_wal') IS NOT NULL, "
                             + "pg_backend_pid()")) {
                    rs.next();
                    statWal = rs.getBoolean(1);
                    long backend = rs.getLong(2);
                    Proc.Stat stat = Proc.stat(backend);
                    if (stat != null && stat.command().startsWith("postgres")) {
                        postmaster = stat.parent();
                    } else {
                        notes.add("PostgreSQL backend " + backend + " is not in this machine's /proc: PostgreSQL CPU n/a");
                    }
                }
            } catch (SQLException e) {
                notes.add("no database figures (" + e.getMessage() + ")");
                closeQuietly(connection);
                connection = null;
            }
        }
        this.db = connection;
        this.hasStatWal = statWal;
        this.postmasterPid = postmaster;
    }

    /** Why some figures are n/a, for the report. */
    List<String> notes() {
        return List.copyOf(notes);
    }

    /** Counters at one moment; -1 where unknown. */
    record Snapshot(long nanos, long appTicks, long pgTicks, long clientNanos, long commits, long xid, long walSyncs,
                    long walBytes) {
    }

    /** Per operation over a window, NaN where unknown. */
    record PerOp(double appCpuMillis, double pgCpuMillis, double clientCpuMillis, double commits, double xids,
                 double walSyncs, double walBytes, String loadAverage) {

        static final PerOp UNKNOWN = new PerOp(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, "n/a");
    }

    Snapshot snapshot() {
        long nanos = System.nanoTime();
        long app = appPid == 0 ? -1 : Proc.cpuTicks(appPid);
        long pg = postmasterPid == 0 ? -1 : Proc.treeTicks(postmasterPid);
        long client = Proc.cpuTicks(ProcessHandle.current().pid());
        long clientNanos = client < 0 ? -1 : client * 1_000_000_000L / Proc.TICKS_PER_SECOND;
        long commits = -1;
        long xid = -1;
        long walSyncs = -1;
        long walBytes = -1;
        if (db != null) {
            try (Statement st = db.createStatement();
                 ResultSet rs = st.executeQuery("SELECT (SELECT sum(xact_commit) FROM pg_stat_database)::bigint, "
                         + "txid_current(), (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint, "
                         + (hasStatWal ? "(SELECT wal_sync FROM pg_stat_wal)" : "-1::bigint"))) {
                rs.next();
                commits = rs.getLong(1);
                xid = rs.getLong(2);
                walBytes = rs.getLong(3);
                walSyncs = rs.getLong(4);
            } catch (SQLException e) {
                synchronized (notes) {
                    if (notes.stream().noneMatch(n -> n.startsWith("database figures failed"))) {
                        notes.add("database figures failed: " + e.getMessage());
                    }
                }
            }
        }
        return new Snapshot(nanos, app, pg, clientNanos, commits, xid, walSyncs, walBytes);
    }

    /** What happened between two snapshots, divided by the operations completed between them. */
    static PerOp perOp(Snapshot from, Snapshot to, long operations) {
        if (operations <= 0) {
            return PerOp.UNKNOWN;
        }
        double ops = operations;
        return new PerOp(
                ticksMillis(from.appTicks(), to.appTicks()) / ops,
                ticksMillis(from.pgTicks(), to.pgTicks()) / ops,
                from.clientNanos() < 0 || to.clientNanos() < 0 ? Double.NaN
                        : (to.clientNanos() - from.clientNanos()) / 1e6 / ops,
                delta(from.commits(), to.commits()) / ops,
                // the second snapshot's own txid_current() took one
                delta(from.xid(), to.xid() - 1) / ops,
                delta(from.walSyncs(), to.walSyncs()) / ops,
                delta(from.walBytes(), to.walBytes()) / ops,
                Proc.loadAverage());
    }

    private static double ticksMillis(long from, long to) {
        return from < 0 || to < 0 ? Double.NaN : (to - from) * 1000.0 / Proc.TICKS_PER_SECOND;
    }

    private static double delta(long from, long to) {
        return from < 0 || to < 0 ? Double.NaN : to - from;
    }

    /**
     * Snapshots at the start and the end of a window's measured part, taken by a thread of their own so that the
     * load's threads do not have to, and their difference per operation.
     */
    final class Watch {
        private final Thread thread;
        private volatile Snapshot from;
        private volatile Snapshot to;

        Watch(Window window) {
            thread = new Thread(() -> {
                try {
                    sleepUntil(window.measureFromNanos());
                    from = snapshot();
                    sleepUntil(window.endNanos());
                    to = snapshot();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "costs-watch");
            thread.setDaemon(true);
            thread.start();
        }

        /** After the load's threads have ended: the window's costs per operation. */
        PerOp perOp(long operations) throws InterruptedException {
            thread.join();
            return from == null || to == null ? PerOp.UNKNOWN : Costs.perOp(from, to, operations);
        }

        private static void sleepUntil(long nanos) throws InterruptedException {
            long wait;
            while ((wait = nanos - System.nanoTime()) > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
    }

    Watch watch(Window window) {
        return new Watch(window);
    }

    @Override
    public void close() {
        closeQuietly(db);
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException ignored) {
            // only the monitor's connection
        }
    }

    /** /proc as Linux has it; anything else (another OS, a vanished process) is -1 or null. */
    static final class Proc {

        /** USER_HZ: what /proc counts CPU time in; 100 on every mainstream Linux. */
        static final long TICKS_PER_SECOND = ticksPerSecond();

        private Proc() {
        }

        record Stat(String command, long parent, long ownTicks, long childrenTicks) {
        }

        /** Fields of /proc/PID/stat: the command is in parentheses and may hold spaces, so fields count after it. */
        static Stat parse(String line) {
            int open = line.indexOf('(');
            int close = line.lastIndexOf(')');
            String[] f = line.substring(close + 2).trim().split(" ");
            // f[0] is field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17
            return new Stat(line.substring(open + 1, close), Long.parseLong(f[1]),
                    Long.parseLong(f[11]) + Long.parseLong(f[12]), Long.parseLong(f[13]) + Long.parseLong(f[14]));
        }

        static Stat stat(long pid) {
            try {
                return parse(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        static long cpuTicks(long pid) {
            Stat stat = stat(pid);
            return stat == null ? -1 : stat.ownTicks();
        }

        /**
         * A process and its children: its own time, the time of the children it has already reaped (as Linux adds
         * them to the parent), and the children alive now. A backend that ends during a window is counted once,
         * first alive, then reaped.
         */
        static long treeTicks(long parent) {
            Stat root = stat(parent);
            if (root == null) {
                return -1;
            }
            long ticks = root.ownTicks() + root.childrenTicks();
            try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
                for (Path process : processes) {
                    Stat child = stat(Long.parseLong(process.getFileName().toString()));
                    if (child != null && child.parent() == parent) {
                        ticks += child.ownTicks();
                    }
                }
            } catch (IOException | RuntimeException e) {
                return -1;
            }
            return ticks;
        }

        /** The process listening on a local TCP port (IPv4 or IPv6), found through its socket's inode; 0 if none. */
        static long listeningOn(int port) {
            List<String> inodes = new ArrayList<>();
            for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                try {
                    for (String line : Files.readAllLines(Path.of(table))) {
                        String[] f = line.trim().split("\\s+");
                        if (f.length > 9 && f[1].endsWith(String.format(Locale.ROOT, ":%04X", port))
                                && f[3].equals("0A")) {
                            inodes.add("socket:[" + f[9] + "]");
                        }
                    }
                } catch (IOException | RuntimeException ignored) {
                    // no such table here
                }
            }
            if (inodes.isEmpty()) {
                return 0;
            }
            try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
                for (Path process : processes) {
                    try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
                        for (Path fd : fds) {
                            if (inodes.contains(Files.readSymbolicLink(fd).toString())) {
                                return Long.parseLong(process.getFileName().toString());
                            }
                        }
                    } catch (IOException | RuntimeException ignored) {
                        // another user's process, or one that just ended
                    }
                }
            } catch (IOException ignored) {
                // no /proc
            }
            return 0;
        }

        /** /proc/loadavg's three figures, "n/a" elsewhere. */
        static String loadAverage() {
            try {
                String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
                return f[0] + " " + f[1] + " " + f[2];
            } catch (IOException | RuntimeException e) {
                return "n/a";
            }
        }

        private static long ticksPerSecond() {
            try {
                Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
                String out = new String(getconf.getInputStream().readAllBytes()).trim();
                return getconf.waitFor() == 0 ? Long.parseLong(out) : 100;
            } catch (IOException | RuntimeException e) {
                return 100;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 100;
            }
        }
    }
}
