package dev.careloop.app.audit;

import dev.careloop.app.CareLoopClient;
import dev.careloop.app.CareLoopClient.Response;
import dev.careloop.app.CareLoopIntegrationTest;
import dev.careloop.app.DemoClinics;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericTrackedDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An event that commits after later ones (it filled a gap in the log) reaches the audit projection with a tracking
 * token whose position is the highest reached, beyond its own. Its entry still goes in, at its own position.
 */
@CareLoopIntegrationTest
class LateCommitAuditTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EventStore eventStore;
    @Autowired
    ApplicationContext context;

    @Test
    void aReferralWhoseEventCommittedLateHasItsEntryAtItsOwnPosition() throws Exception {
        CareLoopClient gp = DemoClinics.at(port).gp();
        List<String> referrals = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Response sent = gp.post("/api/referrals",
                    CareLoopClient.referralTo("riverside-derm", "LATE-" + UUID.randomUUID().toString().substring(0, 8)));
            assertThat(sent.status()).as(sent.body()).isEqualTo(201);
            referrals.add(sent.json().get("referralId").asString());
        }
        String in = "('" + String.join("','", referrals) + "')";
        awaitEntries(in, 3);
        Map<String, Long> log = new LinkedHashMap<>();
        jdbc.query("SELECT event_identifier, global_index FROM domain_event_entry WHERE aggregate_identifier IN " + in
                + " ORDER BY global_index", rs -> {
            log.put(rs.getString(1), rs.getLong(2));
        });
        assertThat(log).hasSize(3);
        List<Long> positions = List.copyOf(log.values());
        long first = positions.get(0);
        long second = positions.get(1);
        long third = positions.get(2);
        // As if the projection had not seen them: then the first and third arrive, the second commits late.
        jdbc.update("DELETE FROM audit_entry WHERE aggregate_id IN " + in);
        List<DomainEventMessage<?>> sent = new ArrayList<>();
        for (String referral : referrals) {
            sent.add(eventStore.readEvents(referral).next());
        }
        AnnotationEventHandlerAdapter audit = new AnnotationEventHandlerAdapter(context.getBean("auditProjection"));
        audit.handle(new GenericTrackedDomainEventMessage<>(GapAwareTrackingToken.newInstance(first, Set.of()),
                sent.get(0)));
        audit.handle(new GenericTrackedDomainEventMessage<>(GapAwareTrackingToken.newInstance(third,
                new TreeSet<>(Set.of(second))), sent.get(2)));
        audit.handle(new GenericTrackedDomainEventMessage<>(GapAwareTrackingToken.newInstance(third, Set.of()),
                sent.get(1)));

        Map<String, Long> trail = new LinkedHashMap<>();
        jdbc.query("SELECT event_id, global_index FROM audit_entry WHERE aggregate_id IN " + in
                + " ORDER BY global_index", rs -> {
            trail.put(rs.getString(1), rs.getLong(2));
        });
        assertThat(trail).containsExactlyEntriesOf(log);
        JsonTypes late = new JsonTypes(DemoClinics.at(port).client("northside-gp-compliance")
                .get("/api/audit?referral=" + referrals.get(1)));
        assertThat(late.types()).containsExactly("ReferralSent");
    }

    private record JsonTypes(Response response) {
        List<String> types() {
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            List<String> types = new ArrayList<>();
            response.json().get("items").forEach(e -> types.add(e.get("eventType").asString()));
            return types;
        }
    }

    private void awaitEntries(String in, int count) {
        dev.careloop.app.Await.until(Duration.ofSeconds(10), () -> jdbc.queryForObject(
                "SELECT count(*) FROM audit_entry WHERE aggregate_id IN " + in, Long.class) >= count,
                "the audit trail has the referrals' entries");
    }
}
