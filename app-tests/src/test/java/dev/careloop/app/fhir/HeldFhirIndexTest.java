package dev.careloop.app.fhir;

import dev.careloop.app.ledger.LedgerDatabase;
import dev.careloop.fhir.directory.FhirPeople;
import dev.careloop.fhir.facade.ResourceIndex;
import dev.careloop.fhir.mapping.FhirChange;
import dev.careloop.plumbing.HeldBatch;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The FHIR index in a processor batch that holds its writes (issue 19): each resource's newest row and each
 * aggregate's newest audience, written in one statement each as the batch flushes, leave the index exactly as
 * writing every change in turn does.
 */
class HeldFhirIndexTest {

    private static final Instant T0 = Instant.parse("2026-12-05T09:00:00Z");

    @AfterEach
    void noBatchLeftOpen() {
        HeldBatch batch = HeldBatch.current();
        if (batch != null) {
            batch.close();
        }
    }

    /** Organisations in the order given, as the index stores them. */
    private static Set<String> orgs(String... organisations) {
        return new LinkedHashSet<>(List.of(organisations));
    }

    /** A referral's change: its ServiceRequest and Task at {@code version}, and the change's Provenance. */
    private static FhirChange referralChange(String id, long version, Set<String> organisations, String status,
                                             String owner) {
        Instant at = T0.plusSeconds(version * 60);
        ServiceRequest request = new ServiceRequest();
        request.setId(id);
        request.getMeta().setLastUpdated(Date.from(at));
        request.addIdentifier().setSystem("https://careloop.dev/referral").setValue(id + "-number");
        Task task = new Task();
        task.setId(id);
        task.getMeta().setLastUpdated(Date.from(at));
        task.setStatus(Task.TaskStatus.fromCode(status));
        task.getOwner().setReference("Organization/" + owner);
        task.getFocus().setReference("ServiceRequest/" + id);
        Provenance provenance = new Provenance();
        provenance.setId(id + "-" + version);
        provenance.getMeta().setLastUpdated(Date.from(at));
        return new FhirChange("Referral", id, version, at, id, "patient-" + id, organisations,
                List.of(request, task, provenance));
    }

    /** A disclosure: only an AuditEvent, which moves no audience. */
    private static FhirChange disclosure(String id, long version, Set<String> organisations) {
        Instant at = T0.plusSeconds(version * 60);
        AuditEvent audit = new AuditEvent();
        audit.setId(id + "-read-" + version);
        audit.getMeta().setLastUpdated(Date.from(at));
        return new FhirChange("Referral", id, version, at, id, "patient-" + id, organisations,
                List.<Resource>of(audit));
    }

    private static List<FhirChange> firstChanges() {
        return List.of(
                referralChange("r-1", 1, orgs("gp"), "requested", "gp"),
                referralChange("r-2", 1, orgs("gp"), "requested", "gp"));
    }

    /** Sent, forwarded (a new audience), read, accepted; and another referral beside it. */
    private static List<FhirChange> laterChanges() {
        return List.of(
                referralChange("r-1", 2, orgs("gp", "derm"), "received", "derm"),
                referralChange("r-2", 2, orgs("gp", "cardio"), "received", "cardio"),
                referralChange("r-1", 3, orgs("gp", "derm", "cardio"), "received", "cardio"),
                disclosure("r-1", 4, orgs("gp", "derm", "cardio")),
                referralChange("r-1", 5, orgs("gp", "cardio"), "accepted", "cardio"),
                // The same audience as the change before: the rows it reached keep that change's version.
                referralChange("r-2", 3, orgs("gp", "cardio"), "accepted", "cardio"),
                // The same change again (a batch retried after a crash): changes nothing.
                referralChange("r-2", 2, orgs("gp", "cardio"), "received", "cardio"));
    }

    private static List<Map<String, Object>> index(JdbcTemplate jdbc) {
        return jdbc.queryForList("SELECT resource_type, id, version, aggregate_id, last_updated, patient, status, "
                + "owner, array_to_string(organisations, ',') AS organisations, audience_version, "
                + "array_to_string(identifiers, ',') AS identifiers, focus FROM fhir_resource_index "
                + "ORDER BY resource_type, id");
    }

    private static List<Map<String, Object>> people(JdbcTemplate jdbc) {
        return jdbc.queryForList("SELECT practitioner_id, role_id, user_id, name, organisation, aggregate_id, "
                + "last_acted_at FROM fhir_person_act ORDER BY practitioner_id, organisation, aggregate_id");
    }

    /** Counts the statements sent (a JDBC batch of rows is one). */
    private static JdbcTemplate counting(JdbcTemplate jdbc, AtomicInteger statements) {
        return new JdbcTemplate(jdbc.getDataSource()) {
            @Override
            public int update(String sql, Object... args) {
                statements.incrementAndGet();
                return super.update(sql, args);
            }

            @Override
            public int[] batchUpdate(String sql, List<? extends Object[]> batchArgs) {
                statements.incrementAndGet();
                return super.batchUpdate(sql, batchArgs);
            }
        };
    }

    @Test
    void aHeldBatchLeavesTheIndexAsWritingEachChangeInTurnDoes() {
        LedgerDatabase through = LedgerDatabase.fresh();
        LedgerDatabase held = LedgerDatabase.fresh();
        ResourceIndex throughIndex = new ResourceIndex(through.jdbc);
        AtomicInteger heldStatements = new AtomicInteger();
        ResourceIndex heldIndex = new ResourceIndex(counting(held.jdbc, heldStatements));
        firstChanges().forEach(throughIndex::record);
        firstChanges().forEach(heldIndex::record);
        heldStatements.set(0);

        laterChanges().forEach(throughIndex::record);
        HeldBatch batch = HeldBatch.open();
        laterChanges().forEach(heldIndex::record);
        assertThat(heldStatements.get()).as("nothing written before the batch flushes").isZero();
        batch.flush();
        batch.close();

        // Twenty-three upserts and six audience updates one by one; held, one JDBC batch of each.
        assertThat(heldStatements.get()).isEqualTo(2);
        assertThat(index(held.jdbc)).isEqualTo(index(through.jdbc));
        // What the comparison rests on: r-1's first Provenance reached by the newest audience, its Task cardio's.
        Map<String, Object> firstProvenance = held.jdbc.queryForMap(
                "SELECT array_to_string(organisations, ',') AS organisations, audience_version "
                        + "FROM fhir_resource_index WHERE resource_type = 'Provenance' AND id = 'r-1-1'");
        assertThat(firstProvenance).containsEntry("organisations", "gp,cardio").containsEntry("audience_version", 5L);
        assertThat(held.jdbc.queryForObject("SELECT owner FROM fhir_resource_index WHERE resource_type = 'Task' "
                + "AND id = 'r-1'", String.class)).isEqualTo("cardio");
        assertThat(held.jdbc.queryForObject("SELECT array_to_string(organisations, ',') FROM fhir_resource_index "
                + "WHERE resource_type = 'AuditEvent' AND id = 'r-1-read-4'", String.class))
                .isEqualTo("gp,derm,cardio");
    }

    @Test
    void aHeldBatchNeverPutsARowBackToAnOlderVersion() {
        LedgerDatabase database = LedgerDatabase.fresh();
        ResourceIndex index = new ResourceIndex(database.jdbc);
        HeldBatch batch = HeldBatch.open();
        index.record(referralChange("r-1", 2, orgs("gp", "derm"), "received", "derm"));
        // Another node's processor (or the batch before a crash) wrote a newer version meanwhile.
        new ResourceIndex(database.jdbc).record(referralChange("r-1", 3, orgs("gp", "cardio"), "accepted",
                "cardio"));
        batch.flush();
        batch.close();

        assertThat(database.jdbc.queryForMap("SELECT version, owner, array_to_string(organisations, ',') AS orgs "
                + "FROM fhir_resource_index WHERE resource_type = 'Task' AND id = 'r-1'"))
                .containsEntry("version", 3L).containsEntry("owner", "cardio").containsEntry("orgs", "gp,cardio");
    }

    @Test
    void aChangeThatKeepsTheAudienceRewritesNoEarlierRowAndOneThatMovesItRewritesThemAll() {
        LedgerDatabase database = LedgerDatabase.fresh();
        ResourceIndex index = new ResourceIndex(database.jdbc);
        index.record(referralChange("r-1", 1, orgs("gp", "derm"), "requested", "gp"));
        index.record(referralChange("r-1", 2, orgs("gp", "derm"), "received", "derm"));
        String firstProvenance = "SELECT xmin::text FROM fhir_resource_index WHERE resource_type = 'Provenance' "
                + "AND id = 'r-1-1'";
        String written = database.jdbc.queryForObject(firstProvenance, String.class);

        index.record(referralChange("r-1", 3, orgs("gp", "derm"), "accepted", "derm"));
        assertThat(database.jdbc.queryForObject(firstProvenance, String.class)).as("the row was not rewritten")
                .isEqualTo(written);

        index.record(referralChange("r-1", 4, orgs("gp", "cardio"), "accepted", "cardio"));
        assertThat(database.jdbc.queryForList("SELECT array_to_string(organisations, ',') FROM fhir_resource_index "
                + "WHERE aggregate_id = 'r-1' ORDER BY resource_type, id", String.class))
                .containsOnly("gp,cardio").hasSize(6);
    }

    @Test
    void aPersonsActsInAHeldBatchAreWrittenOnceAsTheLastOneLeavesThem() {
        LedgerDatabase through = LedgerDatabase.fresh();
        LedgerDatabase held = LedgerDatabase.fresh();
        AtomicInteger heldStatements = new AtomicInteger();
        FhirPeople throughPeople = new FhirPeople(through.jdbc);
        FhirPeople heldPeople = new FhirPeople(counting(held.jdbc, heldStatements));
        List<Runnable> through1 = new ArrayList<>();
        List<Runnable> held1 = new ArrayList<>();
        for (FhirPeople people : List.of(throughPeople, heldPeople)) {
            List<Runnable> acts = people == throughPeople ? through1 : held1;
            acts.add(() -> people.acted("dr-river", "Dr River", "derm", "r-1", T0.plusSeconds(60)));
            acts.add(() -> people.acted("dr-river", "Dr R. River", "derm", "r-1", T0.plusSeconds(120)));
            acts.add(() -> people.acted("dr-river", "Dr River", "derm", "r-2", T0.plusSeconds(90)));
            // An older act arriving last (another aggregate's order) does not put the name back.
            acts.add(() -> people.acted("dr-river", "Dr Old", "derm", "r-1", T0.plusSeconds(30)));
            acts.add(() -> people.acted("nurse@gp", "Nurse Lake", "gp", "r-1", T0.plusSeconds(45)));
        }
        through1.forEach(Runnable::run);
        HeldBatch batch = HeldBatch.open();
        held1.forEach(Runnable::run);
        assertThat(heldStatements.get()).isZero();
        batch.flush();
        batch.close();

        assertThat(heldStatements.get()).isEqualTo(1);
        assertThat(people(held.jdbc)).isEqualTo(people(through.jdbc)).hasSize(3);
        assertThat(held.jdbc.queryForObject("SELECT name FROM fhir_person_act WHERE aggregate_id = 'r-1' "
                + "AND user_id = 'dr-river'", String.class)).isEqualTo("Dr R. River");
    }
}
