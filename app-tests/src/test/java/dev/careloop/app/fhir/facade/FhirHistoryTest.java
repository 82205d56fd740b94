package dev.careloop.app.fhir.facade;

import dev.careloop.app.Await;
import dev.careloop.app.CareLoopClient;
import dev.careloop.app.CareLoopClient.Response;
import dev.careloop.app.CareLoopIntegrationTest;
import dev.careloop.app.DemoClinics;
import dev.careloop.fhir.inbound.R4Validator;
import dev.careloop.fhir.mapping.R4ChangeProjector;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.careloop.app.fhir.FhirClients.DERM;
import static dev.careloop.app.fhir.FhirClients.assertValid;
import static dev.careloop.app.fhir.FhirClients.mrn;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code _history} as a partner pages through it: every {@code next} link leads to the page after, {@code _since}
 * and {@code _at} choose versions by time, and a referral of five changes is five versions, each once.
 */
@CareLoopIntegrationTest
class FhirHistoryTest {

    @LocalServerPort
    int port;

    @Autowired
    R4Validator validator;

    private CareLoopClient gp;
    private CareLoopClient derm;

    @BeforeEach
    void clients() {
        gp = DemoClinics.at(port).gp();
        derm = DemoClinics.at(port).derm();
    }

    @Test
    void aResourcesHistoryPagedToTheEndHoldsEveryVersionOnce() {
        String id = referralOfFiveChanges();

        List<String> versions = pagedToTheEnd(gp, "/fhir/Task/" + id + "/_history?_count=2", 3);

        assertThat(versions).containsExactly("Task/" + id + "/_history/5", "Task/" + id + "/_history/4",
                "Task/" + id + "/_history/3", "Task/" + id + "/_history/2", "Task/" + id + "/_history/1");
    }

    @Test
    void sinceKeepsTheVersionsMadeFromThenAndAtTheOneCurrentThen() {
        String id = referralOfFiveChanges();
        Instant third = lastUpdated(gp.get("/fhir/Task/" + id + "/_history/3"));
        Instant second = lastUpdated(gp.get("/fhir/Task/" + id + "/_history/2"));

        List<String> since = pagedToTheEnd(gp, "/fhir/Task/" + id + "/_history?_since=" + encoded(third), 1);
        List<String> at = pagedToTheEnd(gp, "/fhir/Task/" + id + "/_history?_at=" + encoded(second), 1);

        assertThat(since).containsExactly("Task/" + id + "/_history/5", "Task/" + id + "/_history/4",
                "Task/" + id + "/_history/3");
        assertThat(at).containsExactly("Task/" + id + "/_history/2");
    }

    @Test
    void aTypesHistoryPagedToTheEndHoldsEveryVersionOnceAndOnlyWhatTheCallerSees() {
        Instant before = Instant.now().minusSeconds(1);
        String id = referralOfFiveChanges();
        // A type's history is read from the FHIR index, which has a change once the fhir-index group has it (a
        // write's answer does not wait for it); it takes a referral's changes in order, so its last one found means all.
        Await.until(Duration.ofSeconds(20), () -> derm.get("/fhir/Provenance?_id=" + id + "-5").json().get("total")
                .asInt() == 1, "the referral's last change in the FHIR index");

        List<String> versions = pagedToTheEnd(derm, "/fhir/Task/_history?_count=3&_since=" + encoded(before), -1);
        List<String> stranger = pagedToTheEnd(DemoClinics.at(port).cardio(),
                "/fhir/Task/_history?_since=" + encoded(before), -1);

        assertThat(versions).doesNotHaveDuplicates()
                .filteredOn(v -> v.startsWith("Task/" + id + "/"))
                .containsExactly("Task/" + id + "/_history/5", "Task/" + id + "/_history/4",
                        "Task/" + id + "/_history/3", "Task/" + id + "/_history/2", "Task/" + id + "/_history/1");
        assertThat(stranger).noneMatch(v -> v.startsWith("Task/" + id + "/"));
        Response foreign = DemoClinics.at(port).cardio().get("/fhir/Task/" + id + "/_history");
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.json().get("resourceType").asString()).isEqualTo("OperationOutcome");
    }

    @Test
    void theWholeSystemsHistoryHoldsEveryVersionOfEveryTypeTheCallerMayReadOnce() {
        Instant before = Instant.now().minusSeconds(1);
        String id = referralOfFiveChanges();
        // The index finds a change's new resources once the fhir-index group has it (a write's answer waits for the
        // referral view only); it takes a referral's changes in order, so its last one found means all are.
        Await.until(Duration.ofSeconds(20), () -> derm.get("/fhir/Provenance?_id=" + id + "-5").json().get("total")
                .asInt() == 1, "the referral's last change in the FHIR index");

        // riverside's EHR: a partner system that may read Tasks, ServiceRequests and Communications, but no
        // Consent, Provenance or AuditEvent.
        List<String> versions = pagedToTheEnd(DemoClinics.at(port).client("riverside-ehr"),
                "/fhir/_history?_count=4&_since=" + encoded(before), -1);
        List<String> stranger = pagedToTheEnd(DemoClinics.at(port).cardio(),
                "/fhir/_history?_since=" + encoded(before), -1);

        assertThat(versions).filteredOn(v -> v.startsWith("Task/" + id + "/"))
                .containsExactly("Task/" + id + "/_history/5", "Task/" + id + "/_history/4",
                        "Task/" + id + "/_history/3", "Task/" + id + "/_history/2", "Task/" + id + "/_history/1");
        assertThat(versions).anyMatch(v -> v.startsWith("ServiceRequest/" + id + "/"))
                .anyMatch(v -> v.startsWith("Communication/" + id + "-"));
        assertThat(versions).as("only the types its token may read")
                .noneMatch(v -> v.startsWith("Provenance/") || v.startsWith("AuditEvent/") || v.startsWith("Consent/"));
        assertThat(pagedToTheEnd(derm, "/fhir/_history?_since=" + encoded(before), -1))
                .as("clinic staff read the referral's Provenance too")
                .anyMatch(v -> v.startsWith("Provenance/" + id + "-"));
        assertThat(stranger).noneMatch(v -> v.contains(id));
    }

    /**
     * Follows {@code next} from {@code first} until there is none; each page is valid R4 and states the same total.
     * Answers every entry's {@code Type/id/_history/n}, in order; {@code pages} (unless negative) is how many.
     */
    private List<String> pagedToTheEnd(CareLoopClient caller, String first, int pages) {
        List<String> entries = new ArrayList<>();
        String next = first;
        int seen = 0;
        Integer total = null;
        while (next != null) {
            Response page = caller.get(next);
            assertThat(page.status()).as(next + " " + page.body()).isEqualTo(200);
            Bundle bundle = R4ChangeProjector.fhirContext().newJsonParser().parseResource(Bundle.class, page.body());
            if (first.startsWith("/fhir/_history")) {
                // A page of the whole system may hold two versions of a ServiceRequest and a Task that names it
                // without a version: HAPI's validator calls that reference ambiguous ("Multiple matches in bundle"),
                // though a history is the one kind of Bundle that holds several versions of a resource (bdl-7). So
                // each entry is validated on its own, and the Bundle without them.
                bundle.getEntry().forEach(entry -> assertValid(validator, entry.getResource()));
                assertValid(validator, bundle.copy().setEntry(List.of()));
            } else {
                assertValid(validator, bundle);
            }
            assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.HISTORY);
            if (total == null) {
                total = bundle.getTotal();
            }
            assertThat(bundle.getTotal()).as("the total of every page").isEqualTo(total);
            for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                entries.add(entry.getResource().fhirType() + "/" + entry.getResource().getIdElement().getIdPart()
                        + "/_history/" + entry.getResource().getMeta().getVersionId());
            }
            seen++;
            assertThat(seen).as("pages of " + first).isLessThan(200);
            String link = bundle.getLink(Bundle.LINK_NEXT) == null ? null : bundle.getLink(Bundle.LINK_NEXT).getUrl();
            // As sent (the test's client encodes what a query needs encoded).
            next = link == null ? null : java.net.URLDecoder.decode(link.substring(link.indexOf("/fhir/")),
                    java.nio.charset.StandardCharsets.UTF_8);
        }
        if (pages >= 0) {
            assertThat(seen).as("pages of " + first).isEqualTo(pages);
        }
        assertThat(entries).as("every version of " + first + ", each once").hasSize(total).doesNotHaveDuplicates();
        return entries;
    }

    /** A referral the GP sent, riverside-derm accepted, asked about (answered), and the GP asked to cancel. */
    private String referralOfFiveChanges() {
        var sent = gp.post("/api/referrals", CareLoopClient.referralTo(DERM, mrn()));
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        String id = sent.json().get("referralId").asString();
        ok(derm.post("/api/referrals/" + id + "/accept", null));
        ok(derm.post("/api/referrals/" + id + "/request-information", Map.of("question", "Which medications?")));
        ok(gp.post("/api/referrals/" + id + "/provide-information", Map.of("answer", "None")));
        ok(gp.post("/api/referrals/" + id + "/request-cancellation", Map.of("reason", "Patient moved away")));
        return id;
    }

    private static Instant lastUpdated(Response version) {
        assertThat(version.status()).as(version.body()).isEqualTo(200);
        return Instant.parse(version.json().get("meta").get("lastUpdated").asString());
    }

    /** An instant in a query: its characters need no escaping. */
    private static String encoded(Instant instant) {
        return instant.toString();
    }

    private static void ok(Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
    }
}
