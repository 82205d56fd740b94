package dev.careloop.app.infra;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What an earlier CareLoop left in the embedded database's data directory when it did not stop cleanly. zonky
 * starts PostgreSQL through {@code pg_ctl}, so the server outlives a JVM that was killed or gave up waiting for it;
 * its {@code postmaster.pid} then locks every later start out. Before a start this stops such a server (a fast
 * shutdown: it has no clients left, and its data is crash-safe) or removes a {@code postmaster.pid} whose process
 * is gone or is not a PostgreSQL of this directory. A server that a running CareLoop still owns (zonky's
 * {@code epg-lock} is held) is left alone and the start refused.
 */
final class LeftoverPostmaster {

    private static final Logger log = LoggerFactory.getLogger(LeftoverPostmaster.class);

    private LeftoverPostmaster() {
    }

    /** Leaves {@code dataDir} with no PostgreSQL running on it and no stale lock, or throws why it cannot. */
    static void clear(Path dataDir, Duration stopWait) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        Optional<Long> pid = pidIn(pidFile);
        Optional<ProcessHandle> server = pid.flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive);
        if (server.isEmpty() || !isPostgresOf(server.get(), dataDir)) {
            log.info("Removing a stale {} (PID {} no longer runs PostgreSQL for this data directory)", pidFile,
                    pid.map(String::valueOf).orElse("unreadable"));
            delete(pidFile);
            return;
        }
        if (heldByAnotherProcess(dataDir.resolve("epg-lock"))) {
            throw new EmbeddedDatabaseFailure("the data directory " + dataDir + " is in use by another running "
                    + "CareLoop (its PostgreSQL has PID " + pid.get() + ")",
                    "Stop the other CareLoop, or give this one its own CARELOOP_DATA_DIR.");
        }
        log.warn("A PostgreSQL (PID {}) left running on {} by a CareLoop that did not stop cleanly: stopping it",
                pid.get(), dataDir);
        stop(server.get(), stopWait);
        if (Files.exists(pidFile) && ProcessHandle.of(pid.get()).filter(ProcessHandle::isAlive).isEmpty()) {
            delete(pidFile);
        }
    }

    private static Optional<Long> pidIn(Path pidFile) {
        try {
            List<String> lines = Files.readAllLines(pidFile);
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (IOException | NumberFormatException unreadable) {
            return Optional.empty();
        }
    }

    /** PostgreSQL changes into its data directory; a reused PID of any other process fails one of the checks. */
    static boolean isPostgresOf(ProcessHandle process, Path dataDir) {
        boolean postgres = process.info().command()
                .map(command -> Path.of(command).getFileName().toString())
                .filter(name -> name.equals("postgres") || name.equals("postmaster"))
                .isPresent();
        if (!postgres) {
            return false;
        }
        try {
            Path cwd = Files.readSymbolicLink(Path.of("/proc", String.valueOf(process.pid()), "cwd"));
            return cwd.equals(dataDir.toRealPath());
        } catch (IOException | UnsupportedOperationException noProc) {
            // No /proc (not Linux): the command line names the data directory (-D).
            String absolute = dataDir.toAbsolutePath().normalize().toString();
            return process.info().arguments().map(List::of).orElse(List.of()).stream()
                    .anyMatch(argument -> argument.equals(absolute));
        }
    }

    private static boolean heldByAnotherProcess(Path lockFile) {
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException heldInThisJvm) {
            return true;
        } catch (IOException unreadable) {
            return false;
        }
    }

    /** SIGINT is PostgreSQL's fast shutdown; SIGTERM (smart) and SIGKILL only if it does not go. */
    private static void stop(ProcessHandle server, Duration wait) {
        try {
            new ProcessBuilder("kill", "-INT", String.valueOf(server.pid())).inheritIO().start().waitFor(5, TimeUnit.SECONDS);
            if (exited(server, wait)) {
                return;
            }
            server.destroy();
            if (exited(server, Duration.ofSeconds(5))) {
                return;
            }
            log.warn("PostgreSQL (PID {}) did not stop within {}: killing it", server.pid(), wait);
            server.destroyForcibly();
            if (!exited(server, Duration.ofSeconds(10))) {
                throw new EmbeddedDatabaseFailure("the PostgreSQL left running on the data directory (PID "
                        + server.pid() + ") could not be stopped", "Stop that process, then start CareLoop again.");
            }
        } catch (IOException noKillCommand) {
            server.destroy();
            if (!exited(server, wait)) {
                server.destroyForcibly();
                exited(server, Duration.ofSeconds(10));
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new EmbeddedDatabaseFailure("interrupted while stopping the PostgreSQL left running on the data "
                    + "directory", "Start CareLoop again.");
        }
    }

    private static boolean exited(ProcessHandle process, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (process.isAlive() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return !process.isAlive();
            }
        }
        return !process.isAlive();
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new EmbeddedDatabaseFailure("the stale " + file + " cannot be removed (" + e.getMessage() + ")",
                    "Remove it by hand; no PostgreSQL runs on it.");
        }
    }
}
