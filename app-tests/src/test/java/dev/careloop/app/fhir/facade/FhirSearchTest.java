package dev.careloop.app.fhir.facade;

import dev.careloop.app.CareLoopClient;
import dev.careloop.app.CareLoopClient.Response;
import dev.careloop.app.CareLoopIntegrationTest;
import dev.careloop.app.DemoClinics;
import dev.careloop.fhir.inbound.R4Validator;
import dev.careloop.fhir.mapping.R4ChangeProjector;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.util.List;

import static dev.careloop.app.fhir.FhirClients.CARDIO;
import static dev.careloop.app.fhir.FhirClients.DERM;
import static dev.careloop.app.fhir.FhirClients.MRN_SYSTEM;
import static dev.careloop.app.fhir.FhirClients.assertValid;
import static dev.careloop.app.fhir.FhirClients.mrn;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Search as a partner uses it, each parameter against what the test itself made: two referrals of one patient to
 * riverside-derm (the first accepted), one of another patient to lakeside-cardio. Every answer is valid R4 and
 * says of each entry whether it matched or was included.
 */
@CareLoopIntegrationTest
class FhirSearchTest {

    @LocalServerPort
    int port;

    @Autowired
    R4Validator validator;

    private CareLoopClient gp;
    private CareLoopClient derm;
    private String mrn;
    private String first;
    private String second;
    private String other;

    @BeforeEach
    void threeReferrals() {
        gp = DemoClinics.at(port).gp();
        derm = DemoClinics.at(port).derm();
        mrn = mrn();
        first = send(DERM, mrn);
        second = send(DERM, mrn);
        other = send(CARDIO, mrn());
        var accepted = derm.post("/api/referrals/" + first + "/accept", null);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
        // The index follows the log: wait until it has the acceptance.
        dev.careloop.app.Await.until(java.time.Duration.ofSeconds(20), () -> matches(gp,
                "/fhir/Task?_id=" + first + "&status=accepted").equals(List.of("Task/" + first)), "the index");
    }

    @Test
    void byIdAnyOfSeveral() {
        assertThat(matches(gp, "/fhir/Task?_id=" + first + "," + other + "&_sort=_id"))
                .containsExactlyElementsOf(sorted("Task/" + first, "Task/" + other));
    }

    @Test
    void byTheSendersOwnIdentifier() {
        ServiceRequest request = R4ChangeProjector.fhirContext().newJsonParser().parseResource(ServiceRequest.class,
                gp.get("/fhir/ServiceRequest/" + first).body());
        String identifier = request.getIdentifierFirstRep().getSystem() + "|" + request.getIdentifierFirstRep().getValue();

        assertThat(matches(gp, "/fhir/ServiceRequest?identifier=" + identifier))
                .containsExactly("ServiceRequest/" + first);
    }

    @Test
    void byThePatientsIdentifierOrId() {
        String patient = patientOf(first);

        assertThat(matches(gp, "/fhir/Task?patient:identifier=" + MRN_SYSTEM + "|" + mrn))
                .containsExactlyInAnyOrder("Task/" + first, "Task/" + second);
        assertThat(matches(derm, "/fhir/ServiceRequest?patient=Patient/" + patient))
                .containsExactlyInAnyOrder("ServiceRequest/" + first, "ServiceRequest/" + second);
        assertThat(matches(gp, "/fhir/ServiceRequest?subject=" + patient))
                .containsExactlyInAnyOrder("ServiceRequest/" + first, "ServiceRequest/" + second);
        assertThat(matches(gp, "/fhir/Task?subject:identifier=" + MRN_SYSTEM + "|" + mrn))
                .containsExactlyInAnyOrder("Task/" + first, "Task/" + second);
    }

    @Test
    void byFocusOwnerAndRequester() {
        assertThat(matches(gp, "/fhir/Task?focus=ServiceRequest/" + first)).containsExactly("Task/" + first);
        assertThat(matches(gp, "/fhir/Task?owner=Organization/" + CARDIO + "&_id=" + first + "," + second + ","
                + other)).containsExactly("Task/" + other);
        assertThat(matches(gp, "/fhir/ServiceRequest?requester=Organization/northside-gp&patient:identifier="
                + MRN_SYSTEM + "|" + mrn)).containsExactlyInAnyOrder("ServiceRequest/" + first, "ServiceRequest/" + second);
    }

    @Test
    void byAnyOfSeveralStatuses() {
        String patient = "patient:identifier=" + MRN_SYSTEM + "|" + mrn;

        assertThat(matches(gp, "/fhir/Task?" + patient + "&status=accepted")).containsExactly("Task/" + first);
        assertThat(matches(gp, "/fhir/Task?" + patient + "&status=received")).containsExactly("Task/" + second);
        assertThat(matches(gp, "/fhir/Task?" + patient + "&status=accepted,received"))
                .containsExactlyInAnyOrder("Task/" + first, "Task/" + second);
    }

    @Test
    void byLastUpdatedAndSorted() {
        String patient = "patient:identifier=" + MRN_SYSTEM + "|" + mrn;
        String secondUpdated = java.time.Instant.parse(gp.get("/fhir/Task/" + second).json().get("meta")
                .get("lastUpdated").asString()).toString();

        assertThat(matches(gp, "/fhir/Task?" + patient + "&_lastUpdated=gt" + secondUpdated))
                .containsExactly("Task/" + first);
        assertThat(matches(gp, "/fhir/Task?" + patient + "&_sort=_lastUpdated"))
                .containsExactly("Task/" + second, "Task/" + first);
        assertThat(matches(gp, "/fhir/Task?" + patient + "&_sort=-_lastUpdated"))
                .containsExactly("Task/" + first, "Task/" + second);
        assertThat(matches(gp, "/fhir/Task?" + patient + "&_sort=-_id"))
                .containsExactlyElementsOf(java.util.Arrays.stream(new String[] {"Task/" + first, "Task/" + second})
                        .sorted(java.util.Comparator.reverseOrder()).toList());
        assertThat(gp.get("/fhir/Task?" + patient + "&_sort=status").status()).isEqualTo(400);
    }

    @Test
    void includesWhatTheMatchesName() {
        Bundle focus = search(gp, "/fhir/Task?_id=" + first + "&_include=Task:focus&_include=Task:patient");

        assertThat(entries(focus, Bundle.SearchEntryMode.MATCH)).containsExactly("Task/" + first);
        assertThat(entries(focus, Bundle.SearchEntryMode.INCLUDE))
                .containsExactlyInAnyOrder("ServiceRequest/" + first, "Patient/" + patientOf(first));
        assertThat(focus.getTotal()).as("the total counts matches only").isEqualTo(1);
    }

    @Test
    void revIncludesWhatNamesTheMatches() {
        Bundle found = search(gp, "/fhir/ServiceRequest?_id=" + first
                + "&_revinclude=Task:focus&_revinclude=Provenance:target");

        assertThat(entries(found, Bundle.SearchEntryMode.MATCH)).containsExactly("ServiceRequest/" + first);
        assertThat(entries(found, Bundle.SearchEntryMode.INCLUDE)).containsExactlyInAnyOrder("Task/" + first,
                "Provenance/" + first + "-1", "Provenance/" + first + "-2");
    }

    @Test
    void summaryCountAnswersTheTotalAlone() {
        Bundle counted = search(gp, "/fhir/Task?patient:identifier=" + MRN_SYSTEM + "|" + mrn + "&_summary=count");

        assertThat(counted.getTotal()).isEqualTo(2);
        assertThat(counted.getEntry()).isEmpty();
    }

    @Test
    void whatOthersTakePartInNeverTurnsUp() {
        assertThat(matches(derm, "/fhir/Task?_id=" + first + "," + other)).containsExactly("Task/" + first);
        assertThat(matches(derm, "/fhir/Task?_id=" + first + "&_include=Task:focus&_revinclude=Provenance:target"))
                .containsExactly("Task/" + first);
    }

    @Test
    void nothingIsIncludedThatTheTokenMayNotRead() {
        // lakeside-ehr reads ServiceRequests and Tasks, but neither Patients nor Provenances.
        CareLoopClient lakesideEhr = DemoClinics.at(port).client("lakeside-ehr");

        Bundle found = search(lakesideEhr, "/fhir/Task?_id=" + other
                + "&_include=Task:focus&_include=Task:patient&_revinclude=Provenance:target");

        assertThat(entries(found, Bundle.SearchEntryMode.MATCH)).containsExactly("Task/" + other);
        assertThat(entries(found, Bundle.SearchEntryMode.INCLUDE)).containsExactly("ServiceRequest/" + other);
    }

    @Test
    void theCapabilityStatementListsWhatSearchTakes() {
        CapabilityStatement statement = R4ChangeProjector.fhirContext().newJsonParser()
                .parseResource(CapabilityStatement.class, gp.get("/fhir/metadata").body());
        CapabilityStatement.CapabilityStatementRestResourceComponent task = resource(statement, "Task");
        CapabilityStatement.CapabilityStatementRestResourceComponent request = resource(statement, "ServiceRequest");

        assertThat(task.getSearchParam()).extracting(p -> p.getName()).containsExactlyInAnyOrder("_id",
                "_lastUpdated", "patient", "subject", "status", "owner", "requester", "focus", "identifier");
        assertThat(task.getSearchInclude()).extracting(i -> i.getValue()).containsExactlyInAnyOrder("Task:focus",
                "Task:patient", "Task:subject", "Task:owner", "Task:requester");
        assertThat(task.getSearchRevInclude()).extracting(i -> i.getValue()).containsExactly("Provenance:target");
        assertThat(request.getSearchParam()).extracting(p -> p.getName()).containsExactlyInAnyOrder("_id",
                "_lastUpdated", "patient", "subject", "status", "performer", "requester", "identifier");
        assertThat(request.getSearchRevInclude()).extracting(i -> i.getValue())
                .containsExactlyInAnyOrder("Task:focus", "Provenance:target");
        assertThat(resource(statement, "Consent").getSearchParam()).extracting(p -> p.getName())
                .containsExactlyInAnyOrder("_id", "_lastUpdated", "patient", "status");
    }

    private static CapabilityStatement.CapabilityStatementRestResourceComponent resource(
            CapabilityStatement statement, String type) {
        return statement.getRestFirstRep().getResource().stream().filter(r -> type.equals(r.getType())).findFirst()
                .orElseThrow();
    }

    private String patientOf(String referral) {
        return gp.get("/fhir/Task/" + referral).json().get("for").get("reference").asString()
                .substring("Patient/".length());
    }

    /** The matches of a search, in the order of the answer. */
    private List<String> matches(CareLoopClient caller, String path) {
        return entries(search(caller, path), Bundle.SearchEntryMode.MATCH);
    }

    private Bundle search(CareLoopClient caller, String path) {
        Response answer = caller.get(path);
        assertThat(answer.status()).as(path + " " + answer.body()).isEqualTo(200);
        Bundle bundle = R4ChangeProjector.fhirContext().newJsonParser().parseResource(Bundle.class, answer.body());
        assertValid(validator, bundle);
        assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
        assertThat(bundle.getEntry()).as("every entry says why it is there").allMatch(e -> e.getSearch().hasMode());
        return bundle;
    }

    private static List<String> entries(Bundle bundle, Bundle.SearchEntryMode mode) {
        return bundle.getEntry().stream().filter(e -> e.getSearch().getMode() == mode)
                .map(e -> e.getResource().fhirType() + "/" + e.getResource().getIdElement().getIdPart()).toList();
    }

    private static List<String> sorted(String... keys) {
        return java.util.Arrays.stream(keys).sorted().toList();
    }

    private String send(String recipient, String patientMrn) {
        var sent = gp.post("/api/referrals", CareLoopClient.referralTo(recipient, patientMrn));
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        return sent.json().get("referralId").asString();
    }
}
