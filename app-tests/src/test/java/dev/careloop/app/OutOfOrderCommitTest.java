package dev.careloop.app;

import dev.careloop.api.referral.SendReferral;
import dev.careloop.app.CareLoopClient.Response;
import dev.careloop.app.ledger.Ledger;
import dev.careloop.app.ledger.LogVerifier.Verification;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.common.Registration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14: one append transaction is held open after its insert, through the same path every command takes (its
 * events are in the log's table, its transaction not committed), while hundreds of commands append after it and
 * commit. It then commits with a global index below all of theirs. Every read model and the hash chain end up with
 * every event, the late one included: none is skipped because a processor's token, or the chain, moved past it.
 */
@CareLoopIntegrationTest
class OutOfOrderCommitTest {

    private static final int SENT_WHILE_HELD = 200;
    /** On a loaded machine fewer may commit while the append is held: at least this many must. */
    private static final int AT_LEAST = 100;
    private static final Duration HOLD_AT_MOST = Duration.ofSeconds(90);
    private static final int CLIENTS = 8;

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    CommandBus commandBus;
    @Autowired
    Ledger ledger;

    @Test
    void anAppendThatCommitsAfterHundredsOfLaterOnesReachesEveryReadModelAndTheChain() throws Exception {
        String heldMrn = "HELD-" + UUID.randomUUID().toString().substring(0, 8);
        CountDownLatch appended = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // After the handler: the event bus appended the events first in the prepare-commit phase, this waits after it.
        Registration hold = commandBus.registerHandlerInterceptor((unitOfWork, chain) -> {
            Object result = chain.proceed();
            if (unitOfWork.getMessage().getPayload() instanceof SendReferral send
                    && heldMrn.equals(send.patient().identifierValue())) {
                unitOfWork.onPrepareCommit(u -> {
                    appended.countDown();
                    try {
                        release.await(180, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            return result;
        });
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<String> referrals = new ArrayList<>();
        String held;
        long chainedWhileHeld;
        try {
            CompletableFuture<Response> heldSend = CompletableFuture.supplyAsync(() -> DemoClinics.at(port).gp()
                    .post("/api/referrals", CareLoopClient.referralTo("riverside-derm", heldMrn)));
            assertThat(appended.await(30, TimeUnit.SECONDS)).as("the held command appended its event").isTrue();

            long stopSending = System.nanoTime() + HOLD_AT_MOST.toNanos();
            List<Future<Response>> sends = new ArrayList<>();
            for (int i = 0; i < SENT_WHILE_HELD; i++) {
                String mrn = "AFTER-" + UUID.randomUUID().toString().substring(0, 8);
                sends.add(clients.submit(() -> System.nanoTime() > stopSending ? null : DemoClinics.at(port).gp()
                        .post("/api/referrals", CareLoopClient.referralTo("riverside-derm", mrn))));
            }
            for (Future<Response> send : sends) {
                Response sent = send.get(180, TimeUnit.SECONDS);
                if (sent != null) {
                    assertThat(sent.status()).as(sent.body()).isEqualTo(201);
                    referrals.add(sent.json().get("referralId").asString());
                }
            }
            assertThat(referrals).as("commands committed while the append was held").hasSizeGreaterThanOrEqualTo(AT_LEAST);
            String in = in(referrals);
            // The chainer may not pass a transaction that is still open: none of the later commits is chained yet.
            chainedWhileHeld = jdbc.queryForObject("SELECT count(*) FROM event_chain c JOIN domain_event_entry e "
                    + "ON e.global_index = c.global_index WHERE e.aggregate_identifier IN " + in, Long.class);

            release.countDown();
            Response heldSent = heldSend.get(60, TimeUnit.SECONDS);
            assertThat(heldSent.status()).as(heldSent.body()).isEqualTo(201);
            held = heldSent.json().get("referralId").asString();
        } finally {
            release.countDown();
            hold.cancel();
            clients.shutdown();
        }

        long heldIndex = jdbc.queryForObject("SELECT min(global_index) FROM domain_event_entry "
                + "WHERE aggregate_identifier = ?", Long.class, held);
        long firstLater = jdbc.queryForObject("SELECT min(global_index) FROM domain_event_entry "
                + "WHERE aggregate_identifier IN " + in(referrals), Long.class);
        List<String> all = new ArrayList<>(referrals);
        all.add(held);
        String in = in(all);
        long events = jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier IN " + in,
                Long.class);

        // It really committed out of order: its position is below every later command's.
        assertThat(heldIndex).isLessThan(firstLater);
        assertThat(chainedWhileHeld).isZero();
        Await.until(Duration.ofSeconds(60), () -> missing(in).isEmpty(),
                "every event in every read model and the chain; still missing: " + missing(in));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_entry a JOIN domain_event_entry e "
                + "ON e.event_identifier = a.event_id AND e.global_index = a.global_index "
                + "WHERE e.aggregate_identifier IN " + in, Long.class)).isEqualTo(events);
        // The chain waited for it and linked it in its transaction's place, before the commands that followed it.
        assertThat(jdbc.queryForObject("SELECT position FROM event_chain WHERE global_index = ?", Long.class, heldIndex))
                .isLessThan(jdbc.queryForObject("SELECT min(c.position) FROM event_chain c JOIN domain_event_entry e "
                        + "ON e.global_index = c.global_index WHERE e.aggregate_identifier IN " + in(referrals),
                        Long.class));
        Verification verified = ledger.verify(null, null, true);
        assertThat(verified.intact()).as(verified.summary()).isTrue();
    }

    /** What each read model, and the chain, lacks of the events of {@code referrals}. */
    private List<String> missing(String referrals) {
        List<String> missing = new ArrayList<>();
        missing.addAll(jdbc.queryForList("""
                SELECT 'referral_view ' || e.aggregate_identifier FROM domain_event_entry e
                WHERE e.aggregate_identifier IN %s AND e.sequence_number = 0
                  AND NOT EXISTS (SELECT 1 FROM referral_view v WHERE v.referral_id = e.aggregate_identifier)
                UNION ALL
                SELECT 'referral_timeline ' || e.global_index FROM domain_event_entry e
                WHERE e.aggregate_identifier IN %s
                  AND NOT EXISTS (SELECT 1 FROM referral_timeline t WHERE t.event_id = e.event_identifier)
                UNION ALL
                SELECT 'audit_entry ' || e.global_index FROM domain_event_entry e
                WHERE e.aggregate_identifier IN %s
                  AND NOT EXISTS (SELECT 1 FROM audit_entry a WHERE a.event_id = e.event_identifier)
                UNION ALL
                SELECT 'notification ' || e.aggregate_identifier FROM domain_event_entry e
                WHERE e.aggregate_identifier IN %s AND e.sequence_number = 0
                  AND NOT EXISTS (SELECT 1 FROM notification n WHERE n.event_id = e.event_identifier)
                UNION ALL
                SELECT 'fhir_resource_index Task ' || e.aggregate_identifier FROM domain_event_entry e
                WHERE e.aggregate_identifier IN %s AND e.sequence_number = 0
                  AND NOT EXISTS (SELECT 1 FROM fhir_resource_index f
                                  WHERE f.resource_type = 'Task' AND f.aggregate_id = e.aggregate_identifier)
                UNION ALL
                SELECT 'event_chain ' || e.global_index FROM domain_event_entry e
                WHERE e.aggregate_identifier IN %s
                  AND NOT EXISTS (SELECT 1 FROM event_chain c WHERE c.global_index = e.global_index)
                """.formatted(referrals, referrals, referrals, referrals, referrals, referrals), String.class));
        return missing;
    }

    private static String in(List<String> ids) {
        return "('" + String.join("','", ids) + "')";
    }
}
