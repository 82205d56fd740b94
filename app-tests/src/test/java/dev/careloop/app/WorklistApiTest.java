package dev.careloop.app;

import dev.careloop.app.CareLoopClient.Response;
import dev.careloop.app.DemoClinics.DemoPatient;
import dev.careloop.app.DemoClinics.SentReferral;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static dev.careloop.app.DemoClinics.CARDIO;
import static dev.careloop.app.DemoClinics.DERM;
import static dev.careloop.app.DemoClinics.GP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worklist's REST side (issue 16): several statuses and "open" at once, the other organisation, the person a
 * referral is assigned to, search by patient name, MRN or referral number, due-date order, the counts of a box,
 * the actions a caller may take now, and the organisation directory. One shared database: every test makes its own
 * patient (unique name and MRN) and narrows the list to it.
 */
@CareLoopIntegrationTest
class WorklistApiTest {

    private static final List<String> STATUS_NAMES = List.of("created", "accepted", "declined", "scheduled", "no-show",
            "appointment-cancelled", "interim-note-sent", "cancellation-requested", "cancelled", "completed",
            "information-requested");

    @LocalServerPort
    int port;

    private CareLoopClient gp;
    private CareLoopClient derm;
    private CareLoopClient cardio;

    @BeforeEach
    void clients() {
        gp = DemoClinics.at(port).gp();
        derm = DemoClinics.at(port).derm();
        cardio = DemoClinics.at(port).cardio();
    }

    // --- filters ----------------------------------------------------------------------------------------------

    @Test
    void severalStatusesAreAskedForRepeatedOrCommaSeparated() {
        Patient p = patient();
        String created = send(p, DERM, "routine");
        String accepted = send(p, DERM, "routine");
        String declined = send(p, DERM, "routine");
        act(derm, accepted, "accept", null);
        act(derm, declined, "decline", Map.of("reason", "Not for us"));

        assertThat(ids(derm, "box=inbox&patient=" + p.id() + "&status=created&status=accepted"))
                .containsExactlyInAnyOrder(created, accepted);
        assertThat(ids(derm, "box=inbox&patient=" + p.id() + "&status=created,declined"))
                .containsExactlyInAnyOrder(created, declined);
        assertThat(ids(derm, "box=inbox&patient=" + p.id() + "&status=accepted&status=declined,created"))
                .containsExactlyInAnyOrder(created, accepted, declined);
    }

    @Test
    void openLeavesOutWhatIsCompletedCancelledOrDeclinedAndIsOffUnlessAskedFor() {
        Patient p = patient();
        String waiting = send(p, DERM, "routine");
        String declined = send(p, DERM, "routine");
        act(derm, declined, "decline", Map.of("reason", "Not for us"));

        assertThat(ids(derm, "box=inbox&patient=" + p.id() + "&open=true")).containsExactly(waiting);
        assertThat(ids(derm, "box=inbox&patient=" + p.id() + "&open=false")).containsExactly(declined);
        // REST keeps its old default: every status.
        assertThat(ids(derm, "box=inbox&patient=" + p.id())).containsExactlyInAnyOrder(waiting, declined);
    }

    @Test
    void partnerNarrowsTheListToTheOtherOrganisation() {
        Patient p = patient();
        String toDerm = send(p, DERM, "routine");
        String toCardio = send(p, CARDIO, "routine");

        assertThat(ids(gp, "box=outbox&patient=" + p.id() + "&partner=" + DERM)).containsExactly(toDerm);
        assertThat(ids(gp, "patient=" + p.id() + "&partner=" + CARDIO)).containsExactly(toCardio);
        assertThat(ids(derm, "box=inbox&patient=" + p.id() + "&partner=" + GP)).containsExactly(toDerm);
        assertThat(ids(derm, "box=inbox&patient=" + p.id() + "&partner=" + CARDIO)).isEmpty();
    }

    @Test
    void dueDatesSortSoonestFirstUnlessDescendingIsAskedFor() {
        Patient p = patient();
        String routine = send(p, DERM, "routine");
        String stat = send(p, DERM, "stat");
        String urgent = send(p, DERM, "urgent");

        assertThat(ids(derm, "box=inbox&patient=" + p.id() + "&sort=due")).containsExactly(stat, urgent, routine);
        assertThat(ids(derm, "box=inbox&patient=" + p.id() + "&sort=due,asc")).containsExactly(stat, urgent, routine);
        assertThat(ids(derm, "box=inbox&patient=" + p.id() + "&sort=due,desc")).containsExactly(routine, urgent, stat);
    }

    // --- search -----------------------------------------------------------------------------------------------

    @Test
    void searchFindsAReferralByPatientNameMrnOrReferralNumber() {
        Patient p = patient();
        String number = "NGP-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        Map<String, Object> body = body(p, DERM, "routine");
        body.put("referralNumber", number);
        String id = sent(gp, body);
        String other = send(patient(), DERM, "routine");

        assertThat(ids(derm, "box=inbox&q=" + p.surname)).containsExactly(id);
        assertThat(ids(derm, "box=inbox&q=" + p.surname.substring(0, p.surname.length() - 2).toUpperCase())).as("a prefix, any case")
                .containsExactly(id);
        assertThat(ids(derm, "box=inbox&q=Ann+" + p.surname)).as("every word must match").containsExactly(id);
        assertThat(ids(derm, "box=inbox&q=Bob+" + p.surname)).isEmpty();
        assertThat(ids(derm, "box=inbox&q=" + p.mrn())).as("the MRN").containsExactly(id);
        assertThat(ids(derm, "box=inbox&q=" + number)).as("the referral number").containsExactly(id);
        assertThat(ids(derm, "box=inbox&q=" + number.replace("-", "").toLowerCase()))
                .as("the referral number without its dash").containsExactly(id);
        assertThat(ids(gp, "box=outbox&q=" + p.surname)).containsExactly(id);
        assertThat(ids(derm, "box=inbox&q=" + p.surname)).doesNotContain(other);
    }

    @Test
    void searchIgnoresAccentsOnEitherSide() {
        Patient p = patient("Zoë", "Ångström" + letters());
        String id = send(p, DERM, "routine");

        assertThat(ids(derm, "box=inbox&q=zoe+angstrom" + p.surname.substring(8))).containsExactly(id);
        assertThat(ids(derm, "box=inbox&q=ZOË")).contains(id);
    }

    @Test
    void searchNeverReachesAnotherOrganisationsReferrals() {
        Patient p = patient();
        send(p, DERM, "routine");

        assertThat(ids(cardio, "q=" + p.surname)).isEmpty();
        assertThat(ids(cardio, "q=" + p.mrn())).isEmpty();
    }

    // --- refusals ---------------------------------------------------------------------------------------------

    @Test
    void anUnknownStatusIsA400NamingTheParameterAndListingTheAcceptedNames() {
        Response refused = derm.get("/api/referrals?status=accepted&status=sent,lost");

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.header(HttpHeaders.CONTENT_TYPE)).startsWith("application/problem+json");
        JsonNode error = refused.json().get("errors").get(0);
        assertThat(error.get("field").asString()).isEqualTo("status");
        assertThat(error.get("message").asString()).contains("'sent'", "'lost'");
        assertThat(names(refused.json().get("acceptedStatuses"))).containsExactlyElementsOf(STATUS_NAMES);
    }

    @Test
    void everyBadParameterOfTheListIsNamedAndTheStatusNamesComeWithAnyOf400() {
        Response refused = derm.get("/api/referrals?box=sideways&open=maybe&size=0&sort=colour&q=a");

        assertThat(refused.status()).isEqualTo(400);
        List<String> fields = new ArrayList<>();
        refused.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
        assertThat(fields).containsExactlyInAnyOrder("box", "open", "size", "sort", "q");
        assertThat(names(refused.json().get("acceptedStatuses"))).containsExactlyElementsOf(STATUS_NAMES);
    }

    // --- counts -----------------------------------------------------------------------------------------------

    @Test
    void theInboxCountsEachStatusAndTheOpenOnes() {
        JsonNode before = derm.get("/api/referrals/counts?box=inbox").json();
        Patient p = patient();
        send(p, DERM, "routine");
        String accepted = send(p, DERM, "routine");
        String declined = send(p, DERM, "routine");
        act(derm, accepted, "accept", null);
        act(derm, declined, "decline", Map.of("reason", "Not for us"));

        JsonNode after = derm.get("/api/referrals/counts?box=inbox").json();

        assertThat(after.get("byStatus").size()).isEqualTo(STATUS_NAMES.size());
        assertThat(STATUS_NAMES).allSatisfy(name -> assertThat(after.get("byStatus").has(name)).as(name).isTrue());
        assertThat(delta(before, after, "created")).isEqualTo(1);
        assertThat(delta(before, after, "accepted")).isEqualTo(1);
        assertThat(delta(before, after, "declined")).isEqualTo(1);
        assertThat(after.get("total").asLong() - before.get("total").asLong()).isEqualTo(3);
        assertThat(after.get("open").asLong() - before.get("open").asLong()).isEqualTo(2);
        JsonNode outbox = gp.get("/api/referrals/counts?box=outbox").json();
        assertThat(outbox.get("box").asString()).isEqualTo("outbox");
        assertThat(outbox.get("total").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(gp.get("/api/referrals/counts?box=elsewhere").status()).isEqualTo(400);
    }

    // --- assignment -------------------------------------------------------------------------------------------

    @Test
    void theReceivingOrganisationAssignsAReferralAndItShowsInTheListTheViewTheTimelineAndTheAudit() {
        Patient p = patient();
        String id = send(p, DERM, "routine");
        CareLoopClient coordinator = DemoClinics.at(port).client(DERM + "-coordinator");
        CareLoopClient clinician = DemoClinics.at(port).client(DERM + "-clinician");

        Response assigned = coordinator.post("/api/referrals/" + id + "/assignment",
                Map.of("assignee", DERM + "-clinician", "assigneeName", "Dr Priya Shah"), ifMatch(1));

        assertThat(assigned.status()).as(assigned.body()).isEqualTo(200);
        assertThat(assigned.header(HttpHeaders.ETAG)).isEqualTo("\"2\"");
        JsonNode view = clinician.get("/api/referrals/" + id).json();
        assertThat(view.get("assignedTo").get("subject").asString()).isEqualTo(DERM + "-clinician");
        assertThat(view.get("assignedTo").get("name").asString()).isEqualTo("Dr Priya Shah");
        assertThat(view.get("status").asString()).isEqualTo("created");
        assertThat(ids(clinician, "box=inbox&assignedTo=me&patient=" + p.id())).containsExactly(id);
        assertThat(ids(coordinator, "box=inbox&assignedTo=me&patient=" + p.id())).isEmpty();
        assertThat(ids(coordinator, "box=inbox&assignedTo=" + DERM + "-clinician&patient=" + p.id()))
                .containsExactly(id);
        JsonNode last = lastOf(derm.get("/api/referrals/" + id + "/timeline").json());
        assertThat(last.get("event").asString()).isEqualTo("ReferralAssigned");
        assertThat(last.get("user").asString()).isEqualTo(DERM + "-coordinator");
        assertThat(last.get("details").get("assigneeName").asString()).isEqualTo("Dr Priya Shah");
        CareLoopClient officer = DemoClinics.at(port).compliance(DERM);
        Await.until(Duration.ofSeconds(10), () -> officer.get("/api/audit?referral=" + id + "&type=ReferralAssigned")
                .json().get("items").size() == 1, "the assignment in the audit trail");
        assertThat(officer.get("/api/audit?referral=" + id + "&type=ReferralAssigned").json().get("items").get(0)
                .get("description").asString())
                .isEqualTo(DERM + " assigned referral " + view.get("referralNumber").asString()
                        + " to Dr Priya Shah (" + DERM + "-clinician)");
    }

    @Test
    void theFhirTaskNamesThePersonItIsAssignedToAndKeepsTheOrganisationAsOwner() {
        String id = send(patient(), DERM, "routine");
        act(derm, id, "assignment", Map.of("assignee", DERM + "-clinician", "assigneeName", "Dr Priya Shah"));

        Await.until(Duration.ofSeconds(10), () -> derm.get("/fhir/Task/" + id).body().contains("Dr Priya Shah"),
                "the Task names the assignee");
        JsonNode task = derm.get("/fhir/Task/" + id).json();
        assertThat(task.get("owner").get("reference").asString()).isEqualTo("Organization/" + DERM);
        JsonNode assignee = null;
        for (JsonNode extension : task.get("extension")) {
            if (extension.get("url").asString().endsWith("/referral-assignee")) {
                assignee = extension.get("valueReference");
            }
        }
        assertThat(assignee).isNotNull();
        assertThat(assignee.get("display").asString()).isEqualTo("Dr Priya Shah");
        assertThat(assignee.get("identifier").get("value").asString()).isEqualTo(DERM + "-clinician");
    }

    @Test
    void onlyTheReceivingOrganisationAssignsAndOnlyAtTheVersionItSaw() {
        String id = send(patient(), DERM, "routine");
        Map<String, Object> body = Map.of("assignee", GP + "-staff", "assigneeName", "Dr North");

        Response byInitiator = gp.post("/api/referrals/" + id + "/assignment", body);
        Response byStranger = cardio.post("/api/referrals/" + id + "/assignment", body);
        Response stale = derm.post("/api/referrals/" + id + "/assignment",
                Map.of("assignee", DERM + "-clinician", "assigneeName", "Dr Priya Shah"), ifMatch(7));
        Response empty = derm.post("/api/referrals/" + id + "/assignment", Map.of("assignee", " "));

        assertThat(byInitiator.status()).isEqualTo(403);
        assertThat(byInitiator.json().get("detail").asString())
                .isEqualTo("only the receiving organisation can assign a referral to a clinician");
        assertThat(byStranger.status()).isEqualTo(404);
        assertThat(stale.status()).isEqualTo(409);
        assertThat(empty.status()).isEqualTo(400);
        List<String> fields = new ArrayList<>();
        empty.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
        assertThat(fields).containsExactlyInAnyOrder("assignee", "assigneeName");
        assertThat(derm.get("/api/referrals/" + id).json().get("version").asLong()).isEqualTo(1);
    }

    @Test
    void aRetriedAssignmentWithTheSameIdempotencyKeyWritesOnce() {
        String id = send(patient(), DERM, "routine");
        String key = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("assignee", DERM + "-clinician", "assigneeName", "Dr Priya Shah");

        Response first = derm.post("/api/referrals/" + id + "/assignment", body, h -> h.set("Idempotency-Key", key));
        Response again = derm.post("/api/referrals/" + id + "/assignment", body, h -> h.set("Idempotency-Key", key));

        assertThat(first.status()).isEqualTo(200);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.header(HttpHeaders.ETAG)).isEqualTo("\"2\"");
        assertThat(derm.get("/api/referrals/" + id + "/timeline").json().size()).isEqualTo(2);
    }

    @Test
    void unassigningTakesTheReferralBackAndAClosedReferralCannotBeAssigned() {
        String id = send(patient(), DERM, "routine");
        act(derm, id, "assignment", Map.of("assignee", DERM + "-clinician", "assigneeName", "Dr Priya Shah"));

        Response unassigned = delete("/api/referrals/" + id + "/assignment", derm, "\"2\"");

        assertThat(unassigned.status()).as(unassigned.body()).isEqualTo(200);
        assertThat(derm.get("/api/referrals/" + id).json().path("assignedTo").isNull()
                || derm.get("/api/referrals/" + id).json().path("assignedTo").isMissingNode()).isTrue();
        assertThat(lastOf(derm.get("/api/referrals/" + id + "/timeline").json()).get("event").asString())
                .isEqualTo("ReferralUnassigned");
        assertThat(delete("/api/referrals/" + id + "/assignment", derm, null).status()).isEqualTo(409);
        act(derm, id, "decline", Map.of("reason", "Not for us"));
        Response late = derm.post("/api/referrals/" + id + "/assignment",
                Map.of("assignee", DERM + "-clinician", "assigneeName", "Dr Priya Shah"));
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.json().get("detail").asString()).isEqualTo("a referral that is declined cannot be assigned");
    }

    // --- allowed actions --------------------------------------------------------------------------------------

    @Test
    void theViewListsTheActionsTheCallerMayTakeNow() {
        String id = send(patient(), DERM, "routine");

        assertThat(names(gp.get("/api/referrals/" + id).json().get("allowedActions")))
                .containsExactly("request-cancellation");
        assertThat(names(DemoClinics.at(port).client(DERM + "-coordinator").get("/api/referrals/" + id).json()
                .get("allowedActions")))
                .containsExactly("accept", "decline", "forward", "request-information", "assign");

        act(derm, id, "accept", null);

        assertThat(names(DemoClinics.at(port).client(DERM + "-coordinator").get("/api/referrals/" + id).json()
                .get("allowedActions")))
                .as("a coordinator does not send outcomes or interim notes")
                .containsExactly("decline", "forward", "request-information", "schedule", "assign");
        assertThat(names(DemoClinics.at(port).client(DERM + "-clinician").get("/api/referrals/" + id).json()
                .get("allowedActions")))
                .containsExactly("decline", "forward", "request-information", "schedule", "interim-note", "outcome",
                        "refer-back", "assign");
        JsonNode listed = derm.get("/api/referrals?box=inbox&patient=" + patientOf(id)).json().get("items");
        assertThat(listed.size()).isEqualTo(1);
        assertThat(names(listed.get(0).get("allowedActions"))).as("the list's items carry them too")
                .contains("schedule", "outcome");
    }

    @Test
    void aWritesAnswerListsTheActionsItsCallerMayTakeNext() {
        String id = send(patient(), DERM, "routine");
        CareLoopClient coordinator = DemoClinics.at(port).client(DERM + "-coordinator");

        Response accepted = coordinator.post("/api/referrals/" + id + "/accept", null);

        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
        assertThat(names(accepted.json().get("allowedActions"))).as("what a read would list for the same caller")
                .containsExactly("decline", "forward", "request-information", "schedule", "assign")
                .isEqualTo(names(coordinator.get("/api/referrals/" + id).json().get("allowedActions")));
    }

    @Test
    void anOfferedActionIsOneTheAggregateTakes() {
        String id = send(patient(), DERM, "routine");
        CareLoopClient coordinator = DemoClinics.at(port).client(DERM + "-coordinator");
        List<String> offered = names(coordinator.get("/api/referrals/" + id).json().get("allowedActions"));
        assertThat(offered).contains("accept");

        act(coordinator, id, "accept", null);

        List<String> now = names(coordinator.get("/api/referrals/" + id).json().get("allowedActions"));
        assertThat(now).doesNotContain("accept");
        assertThat(coordinator.post("/api/referrals/" + id + "/accept", null).status()).isEqualTo(409);
    }

    // --- the organisation directory ---------------------------------------------------------------------------

    @Test
    void everyAuthenticatedCallerReadsTheDirectoryOfOrganisationsAndTheirServices() {
        for (String client : List.of(GP + "-staff", GP + "-compliance", "careloop-admin", "lakeside-ehr")) {
            Response directory = DemoClinics.at(port).client(client).get("/api/organisations");
            assertThat(directory.status()).as(client).isEqualTo(200);
        }
        JsonNode derm = DemoClinics.at(port).compliance(GP).get("/api/organisations/" + DERM).json();
        assertThat(derm.get("name").asString()).isEqualTo("Riverside Dermatology");
        List<String> codes = new ArrayList<>();
        derm.get("services").forEach(s -> codes.add(s.get("code").asString()));
        assertThat(codes).contains("dermatology-consultation", "dermatology-opinion");
        List<String> ids = new ArrayList<>();
        gp.get("/api/organisations").json().forEach(o -> ids.add(o.get("id").asString()));
        assertThat(ids).contains(GP, DERM, CARDIO);
        assertThat(gp.get("/api/organisations/nowhere-clinic").status()).isEqualTo(404);
    }

    @Test
    void aNewReferralMustAskForAServiceTheRecipientOffers() {
        Map<String, Object> body = body(patient(), CARDIO, "routine");
        body.put("service", "Dermatology consultation");

        Response refused = gp.post("/api/referrals", body);

        assertThat(refused.status()).isEqualTo(400);
        JsonNode error = refused.json().get("errors").get(0);
        assertThat(error.get("field").asString()).isEqualTo("service");
        assertThat(error.get("message").asString()).startsWith(CARDIO + " does not offer 'Dermatology consultation'")
                .contains("Cardiology assessment (cardiology-assessment)");
        body.put("service", "echocardiogram");
        assertThat(gp.post("/api/referrals", body).status()).as("a service by its code, in any case").isEqualTo(201);
    }

    // --- the persons directory --------------------------------------------------------------------------------

    @Test
    void theCallerSeesTheirOwnOrganisationsPersonsWithTitlesAndTheClinicianFilterKeepsClinicians() {
        JsonNode clinicians = derm.get("/api/persons?role=clinician").json();
        List<String> subjects = new ArrayList<>();
        clinicians.forEach(p -> subjects.add(p.get("subject").asString()));
        assertThat(subjects).contains("priya.shah").doesNotContain("ben.carter", "maya.idris", "tom.okafor",
                "lars.nyberg");
        JsonNode priya = clinicians.get(subjects.indexOf("priya.shah"));
        assertThat(priya.get("name").asString()).isEqualTo("Dr Priya Shah");
        assertThat(priya.get("title").asString()).isEqualTo("dermatologist at Riverside");

        List<String> everyone = new ArrayList<>();
        DemoClinics.at(port).compliance(DERM).get("/api/persons").json()
                .forEach(p -> everyone.add(p.get("subject").asString()));
        assertThat(everyone).contains("priya.shah", "ben.carter", "maya.idris").doesNotContain("tom.okafor");

        Response refused = derm.get("/api/persons?role=surgeon");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("role");
        assertThat(DemoClinics.at(port).client("lakeside-ehr").get("/api/persons").status())
                .as("a partner system has no colleagues here").isEqualTo(403);
    }

    // --- helpers ----------------------------------------------------------------------------------------------

    /** A fixture patient, their surname to search by and, once a referral about them was sent, their keyed id. */
    private record Patient(DemoPatient named, String surname, String[] idHolder) {
        String mrn() {
            return named.mrn();
        }

        String id() {
            return idHolder[0];
        }
    }

    private static Patient patient() {
        return patient("Ann", "Quill" + letters());
    }

    private static Patient patient(String given, String surname) {
        return new Patient(DemoClinics.newPatient(given, surname), surname, new String[1]);
    }

    private static String letters() {
        StringBuilder s = new StringBuilder();
        UUID.randomUUID().toString().chars().filter(Character::isDigit).limit(8)
                .forEach(c -> s.append((char) ('a' + (c - '0'))));
        return s.toString();
    }

    private static Map<String, Object> body(Patient p, String recipient, String priority) {
        Map<String, Object> body = new HashMap<>(DemoClinics.referral(recipient, p.named()));
        body.put("priority", priority);
        return body;
    }

    private String send(Patient p, String recipient, String priority) {
        return sent(gp, body(p, recipient, priority), p);
    }

    private static String sent(CareLoopClient client, Map<String, Object> body) {
        return sent(client, body, null);
    }

    private static String sent(CareLoopClient client, Map<String, Object> body, Patient p) {
        SentReferral sent = DemoClinics.sendReferral(client, body);
        if (p != null) {
            p.idHolder()[0] = sent.patientId();
        }
        return sent.id();
    }

    private static void act(CareLoopClient client, String id, String action, Object body) {
        Response done = client.post("/api/referrals/" + id + "/" + action, body);
        assertThat(done.status()).as(action + ": " + done.body()).isEqualTo(200);
    }

    private Response delete(String path, CareLoopClient client, String ifMatch) {
        RestClient http = RestClient.builder().baseUrl("http://localhost:" + port)
                .defaultStatusHandler(status -> true, (req, res) -> { }).build();
        return new Response(http.delete().uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + client.token())
                .headers(h -> {
                    if (ifMatch != null) {
                        h.set(HttpHeaders.IF_MATCH, ifMatch);
                    }
                }).retrieve().toEntity(String.class));
    }

    private static List<String> ids(CareLoopClient client, String query) {
        Response listed = client.get("/api/referrals?size=200&" + query);
        assertThat(listed.status()).as(listed.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        listed.json().get("items").forEach(r -> ids.add(r.get("referralId").asString()));
        return ids;
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(n.asString()));
        return names;
    }

    private String patientOf(String id) {
        return derm.get("/api/referrals/" + id).json().get("patient").get("patientId").asString();
    }

    private static long delta(JsonNode before, JsonNode after, String status) {
        return after.get("byStatus").get(status).asLong() - before.get("byStatus").get(status).asLong();
    }

    private static JsonNode lastOf(JsonNode array) {
        return array.get(array.size() - 1);
    }

    private static Consumer<HttpHeaders> ifMatch(long version) {
        return h -> h.setIfMatch("\"" + version + "\"");
    }
}
