package dev.careloop.app;

import dev.careloop.app.SharedRecords.LoggedEvent;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.careloop.app.SharedRecords.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A revocation racing many downloads: consent is decided by the record when content is read, so no content
 * leaves after the revocation committed. Every 200 has its disclosure ordered before the revocation in the
 * log, and every download started after the revocation answered is a 404.
 */
@CareLoopIntegrationTest
class RecordRevocationRaceTest {

    private static final int READERS = 8;

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;

    record Download(String requestId, long startedAt, int status, byte[] body) {
    }

    @Test
    void noContentLeavesAfterTheRevocationCommitted() throws Exception {
        CareLoopClient gp = DemoClinics.at(port).gp();
        CareLoopClient derm = DemoClinics.at(port).derm();
        byte[] summary = uniqueDocument("Raced summary");
        String id = shareRecord(gp, share(upload(gp, summary), List.of(DERM), inDays(30)));

        ConcurrentLinkedQueue<Download> downloads = new ConcurrentLinkedQueue<>();
        AtomicBoolean revoked = new AtomicBoolean();
        AtomicInteger notFoundAfterRevoke = new AtomicInteger();
        AtomicInteger counter = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(READERS);
        List<Future<?>> readers = new ArrayList<>();
        long[] revokeAnswered = new long[1];
        try {
            for (int r = 0; r < READERS; r++) {
                readers.add(pool.submit(() -> {
                    // Each reader keeps going until a few downloads of its own started after the revocation answered.
                    int after = 0;
                    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                    while (after < 3 && System.nanoTime() < deadline) {
                        String requestId = "race-" + id.substring(0, 8) + "-" + counter.incrementAndGet();
                        boolean startedAfterRevoke = revoked.get();
                        long startedAt = System.nanoTime();
                        ResponseEntity<byte[]> response = derm.download("/api/records/" + id + "/content",
                                h -> h.set("X-Request-Id", requestId));
                        downloads.add(new Download(requestId, startedAt, response.getStatusCode().value(),
                                response.getBody()));
                        if (startedAfterRevoke) {
                            after++;
                            if (response.getStatusCode().value() == 404) {
                                notFoundAfterRevoke.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            await(Duration.ofSeconds(10), () -> downloads.stream().filter(d -> d.status() == 200).count() >= READERS,
                    "some downloads succeeded before the revocation");
            var revoke = gp.post("/api/records/" + id + "/revoke", Map.of("organisation", DERM,
                    "reason", "consent withdrawn"));
            revokeAnswered[0] = System.nanoTime();
            revoked.set(true);
            assertThat(revoke.status()).as(revoke.body()).isEqualTo(200);
            for (Future<?> reader : readers) {
                reader.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        LoggedEvent revocation = events(jdbc, "RecordAccessRevoked", id).get(0);
        Map<String, LoggedEvent> disclosures = new java.util.HashMap<>();
        events(jdbc, "RecordDisclosed", id).forEach(e -> disclosures.put(e.meta("correlationId"), e));
        List<Download> ok = downloads.stream().filter(d -> d.status() == 200).toList();
        assertThat(ok).isNotEmpty();
        assertThat(downloads).allSatisfy(d -> assertThat(d.status()).isIn(200, 404));
        for (Download d : ok) {
            assertThat(d.body()).isEqualTo(summary);
            LoggedEvent disclosure = disclosures.get(d.requestId());
            assertThat(disclosure).as("the disclosure of download " + d.requestId()).isNotNull();
            assertThat(disclosure.globalIndex()).isLessThan(revocation.globalIndex());
            assertThat(disclosure.sequence()).isLessThan(revocation.sequence());
        }
        assertThat(disclosures).hasSameSizeAs(ok);
        List<Download> startedAfterRevoke = downloads.stream().filter(d -> d.startedAt() > revokeAnswered[0]).toList();
        assertThat(startedAfterRevoke).hasSizeGreaterThanOrEqualTo(READERS);
        assertThat(startedAfterRevoke).allSatisfy(d -> assertThat(d.status()).isEqualTo(404));
        assertThat(notFoundAfterRevoke.get()).isPositive();
    }
}
