package dev.careloop.app.hardening;

import dev.careloop.app.CareLoopClient;
import dev.careloop.app.CareLoopClient.Response;
import dev.careloop.app.CareLoopIntegrationTest;
import dev.careloop.app.DemoClinics;
import dev.careloop.app.hardening.Http.Answer;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.WrappedToken;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.careloop.app.DemoClinics.DERM;
import static dev.careloop.app.DemoClinics.GP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Every /api route, and the FHIR facade's read, search, create and transaction, with hostile values in each path
 * id, query parameter and JSON field, and hostile bodies: never a 5xx, every refusal problem+json (OperationOutcome
 * under /fhir), nothing appended by a refused request, and every event processor at the head of the log with no
 * dead letters at the end.
 */
@CareLoopIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {


    /** Hostile strings: as a JSON string literal (escaped) and as a percent-encoded path or query value. */
    private record Hostile(String name, String json, String url) {
    }

    /**
     * Over a hundred times the id limit, and still under Tomcat's 8 KB for the request line and headers: a longer URL
     * is refused by Tomcat before it has read the request, and closing on unread bytes can reset the connection
     * before the client reads the answer (EdgeLimitsTest covers the oversize head on its own).
     */
    private static final String LONG_ID = "x".repeat(7_000);
    private static final List<Hostile> HOSTILE = List.of(
            new Hostile("NUL", "a\\u0000b", "a%00b"),
            new Hostile("C0 control", "a\\u001bb", "a%1Bb"),
            new Hostile("DEL", "a\\u007fb", "a%7Fb"),
            new Hostile("C1 control", "a\\u0085b", "a%C2%85b"),
            new Hostile("lone surrogate", "a\\ud800b", "a%ED%A0%80b"),
            // In a body, longer than any string may be (free text included); in a URL, a 7,000-character id.
            new Hostile("oversize string", "x".repeat(25_000), LONG_ID));

    /** One route: who calls it, its path with {placeholders}, its query parameters and a valid JSON body. */
    private record Route(String who, String method, String path, List<String> query, String body) {
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EventProcessingConfiguration processing;

    private Http http;
    private final Map<String, String> tokens = new LinkedHashMap<>();
    private final Map<String, String> ids = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();
    /** Dead letters earlier tests of the shared context left (their own doing, e.g. a partner down on purpose). */
    private List<String> earlierDeadLetters;

    @BeforeAll
    void validDataToAimAt() {
        earlierDeadLetters = jdbc.queryForList("SELECT dead_letter_id FROM dead_letter_entry", String.class);
        jdbc.queryForList("SELECT processing_group, sequence_identifier, cause_type, cause_message "
                + "FROM dead_letter_entry").forEach(letter -> System.out.println("Dead letter left before "
                + "HostileInputTest: " + letter));
        http = new Http(port);
        for (String client : List.of("northside-gp-staff", "riverside-derm-staff", "northside-gp-compliance",
                "careloop-admin", "northside-ehr")) {
            tokens.put(client, DemoClinics.at(port).client(client).token());
        }
        CareLoopClient gp = DemoClinics.at(port).gp();
        CareLoopClient derm = DemoClinics.at(port).derm();
        String mrn = "HOSTILE-" + UUID.randomUUID();
        Response sent = gp.post("/api/referrals", CareLoopClient.referralTo(DERM, mrn));
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        ids.put("referral", sent.json().get("referralId").asString());
        ids.put("patient", sent.json().get("patient").get("patientId").asString());
        assertThat(derm.post("/api/referrals/" + ids.get("referral") + "/accept", null).status()).isEqualTo(200);

        byte[] document = ("# Letter " + UUID.randomUUID() + "\n").getBytes(StandardCharsets.UTF_8);
        ids.put("sha", sha256(document));
        assertThat(gp.put("/api/records/content/" + ids.get("sha"), document, "text/markdown").status()).isIn(200, 201);
        Response shared = gp.post("/api/records", Map.of("referralId", ids.get("referral"), "recipients", List.of(DERM),
                "documentType", Map.of("code", "11490-0", "display", "Discharge summary"), "title", "Letter",
                "contentSha256", ids.get("sha"), "purpose", "TREAT",
                "validUntil", Instant.now().plus(Duration.ofDays(30)).toString()));
        assertThat(shared.status()).as(shared.body()).isEqualTo(201);
        ids.put("record", shared.json().get("recordId").asString());

        Response booked = derm.post("/api/appointments", Map.of("referralId", ids.get("referral"),
                "slot", Map.of("start", inDays(10), "end", inDays(10, 30)), "location", "Room 3"));
        assertThat(booked.status()).as(booked.body()).isEqualTo(201);
        ids.put("appointment", booked.json().get("appointmentId").asString());
        ids.put("unknown", UUID.randomUUID().toString());
    }

    /** Every /api route (the @*Mapping annotations of the controllers, written out by hand). */
    private List<Route> routes() {
        String staffGp = "northside-gp-staff";
        String staffDerm = "riverside-derm-staff";
        String compliance = "northside-gp-compliance";
        String admin = "careloop-admin";
        String patient = """
                {"identifierSystem":"https://northside-gp.example/mrn","identifierValue":"M-1","name":"Alex Morgan",\
                "birthDate":"1980-04-02"}""";
        String slot = "{\"start\":\"" + inDays(20) + "\",\"end\":\"" + inDays(20, 30) + "\"}";
        return List.of(
                // Referrals: write
                new Route(staffGp, "POST", "/api/referrals", List.of(), "{\"recipientOrganisation\":\"riverside-derm\","
                        + "\"priority\":\"routine\",\"service\":\"Dermatology consultation\",\"reason\":\"Lesion\",\"note\":\"n\","
                        + "\"referralNumber\":\"R-1\",\"patient\":" + patient + "}"),
                new Route(staffDerm, "POST", "/api/referrals/{referral}/accept", List.of(), null),
                new Route(staffDerm, "POST", "/api/referrals/{referral}/decline", List.of(), "{\"reason\":\"r\"}"),
                new Route(staffDerm, "POST", "/api/referrals/{referral}/forward", List.of(),
                        "{\"toOrganisation\":\"lakeside-cardio\",\"reason\":\"r\"}"),
                new Route(staffDerm, "POST", "/api/referrals/{referral}/request-information", List.of(),
                        "{\"question\":\"q\"}"),
                new Route(staffGp, "POST", "/api/referrals/{referral}/provide-information", List.of(),
                        "{\"answer\":\"a\"}"),
                new Route(staffDerm, "POST", "/api/referrals/{referral}/schedule", List.of(),
                        "{\"start\":\"" + inDays(30) + "\",\"end\":\"" + inDays(30, 30) + "\",\"location\":\"Room 1\"}"),
                new Route(staffDerm, "POST", "/api/referrals/{referral}/reschedule", List.of(),
                        "{\"start\":\"" + inDays(31) + "\",\"location\":\"Room 1\",\"reason\":\"r\"}"),
                new Route(staffDerm, "POST", "/api/referrals/{referral}/no-show", List.of(), null),
                new Route(staffDerm, "POST", "/api/referrals/{referral}/cancel-appointment", List.of(),
                        "{\"reason\":\"r\"}"),
                new Route(staffDerm, "POST", "/api/referrals/{referral}/interim-note", List.of(),
                        "{\"note\":\"n\",\"recordIds\":[\"{record}\"]}"),
                new Route(staffGp, "POST", "/api/referrals/{referral}/request-cancellation", List.of(),
                        "{\"reason\":\"r\"}"),
                new Route(staffDerm, "POST", "/api/referrals/{referral}/confirm-cancellation", List.of(), null),
                new Route(staffDerm, "POST", "/api/referrals/{referral}/outcome", List.of(),
                        "{\"report\":\"r\",\"recordIds\":[\"{record}\"]}"),
                new Route(staffGp, "POST", "/api/referrals/{referral}/acknowledge-outcome", List.of(), null),
                new Route(staffDerm, "POST", "/api/referrals/{referral}/refer-back", List.of(),
                        "{\"priority\":\"urgent\",\"service\":\"GP review\",\"reason\":\"r\",\"note\":\"n\"}"),
                new Route(staffDerm, "POST", "/api/referrals/{referral}/assignment", List.of(),
                        "{\"assignee\":\"derm-clinician\",\"assigneeName\":\"Dr Priya Shah\"}"),
                // Referrals: read
                new Route(staffGp, "GET", "/api/referrals", List.of("box", "status", "priority", "patient", "sort",
                        "open", "partner", "assignedTo", "q"), null),
                new Route(staffGp, "GET", "/api/referrals/counts", List.of("box"), null),
                new Route(staffGp, "GET", "/api/organisations/{referral}", List.of(), null),
                new Route(staffGp, "GET", "/api/referrals/{referral}", List.of(), null),
                new Route(staffGp, "GET", "/api/referrals/{referral}/timeline", List.of(), null),
                // Shared records
                new Route(staffGp, "POST", "/api/records", List.of(), "{\"referralId\":\"{referral}\","
                        + "\"recipients\":[\"riverside-derm\"],\"documentType\":{\"code\":\"11490-0\",\"display\":"
                        + "\"Discharge summary\"},\"title\":\"t\",\"description\":\"d\",\"contentSha256\":\"{sha}\","
                        + "\"purpose\":\"TREAT\",\"validUntil\":\"" + inDays(40) + "\"}"),
                new Route(staffGp, "POST", "/api/records/{record}/amend", List.of(),
                        "{\"contentSha256\":\"{sha}\",\"title\":\"t\",\"description\":\"d\",\"reason\":\"r\"}"),
                new Route(staffGp, "POST", "/api/records/{record}/grant", List.of(),
                        "{\"organisation\":\"lakeside-cardio\",\"reason\":\"r\"}"),
                new Route(staffGp, "POST", "/api/records/{record}/revoke", List.of(),
                        "{\"organisation\":\"riverside-derm\",\"reason\":\"r\"}"),
                new Route(staffGp, "PUT", "/api/records/content/{sha}", List.of(), null),
                new Route(staffDerm, "GET", "/api/records/{record}/content", List.of("version"), null),
                new Route(staffGp, "GET", "/api/records", List.of("box", "patient", "referral"), null),
                new Route(staffGp, "GET", "/api/records/{record}", List.of(), null),
                new Route(staffGp, "GET", "/api/records/{record}/versions", List.of(), null),
                new Route(staffGp, "GET", "/api/records/{record}/disclosures", List.of(), null),
                // Appointments
                new Route(staffDerm, "POST", "/api/appointments", List.of(), "{\"patient\":" + patient
                        + ",\"slot\":" + slot + ",\"location\":\"Room 2\",\"description\":\"d\"}"),
                new Route(staffDerm, "POST", "/api/appointments/proposals", List.of(), "{\"referralId\":\"{referral}\","
                        + "\"slots\":[" + slot + "],\"location\":\"Room 2\",\"description\":\"d\"}"),
                new Route(staffDerm, "POST", "/api/appointments/{appointment}/confirm-slot", List.of(),
                        "{\"start\":\"" + inDays(20) + "\"}"),
                new Route(staffDerm, "POST", "/api/appointments/{appointment}/reschedule", List.of(),
                        "{\"slot\":" + slot + ",\"location\":\"Room 4\",\"reason\":\"r\"}"),
                new Route(staffDerm, "POST", "/api/appointments/{appointment}/cancel", List.of(), "{\"reason\":\"r\"}"),
                new Route(staffDerm, "POST", "/api/appointments/{appointment}/arrived", List.of(), null),
                new Route(staffDerm, "POST", "/api/appointments/{appointment}/fulfilled", List.of(), null),
                new Route(staffDerm, "POST", "/api/appointments/{appointment}/no-show", List.of(), null),
                new Route(staffDerm, "POST", "/api/appointments/{appointment}/hand-off", List.of(),
                        "{\"toOrganisation\":\"lakeside-cardio\",\"reason\":\"r\"}"),
                new Route(staffDerm, "GET", "/api/appointments", List.of("patient", "referral", "status", "from", "to"),
                        null),
                new Route(staffDerm, "GET", "/api/appointments/{appointment}", List.of(), null),
                new Route(staffDerm, "GET", "/api/appointments/{appointment}/history", List.of(), null),
                // Notifications (the live stream is left out: it answers by never ending)
                new Route(staffDerm, "GET", "/api/notifications", List.of("unread", "page", "size"), null),
                new Route(staffDerm, "GET", "/api/notifications/count", List.of(), null),
                new Route(staffDerm, "GET", "/api/persons", List.of("role"), null),
                new Route(staffDerm, "POST", "/api/notifications/{unknown}/read", List.of(), null),
                new Route(staffDerm, "POST", "/api/notifications/read-all", List.of(), null),
                // Patients
                new Route(staffGp, "GET", "/api/patients", List.of("identifier", "name", "birthDate"), null),
                new Route(staffGp, "GET", "/api/patients/{patient}/summary", List.of(), null),
                // Audit and compliance
                new Route(compliance, "GET", "/api/audit", List.of("patient", "user", "organisation", "referral",
                        "record", "appointment", "type", "client", "purpose", "request", "from", "to", "sort"), null),
                new Route(compliance, "GET", "/api/audit/disclosures", List.of("patient", "from", "to"), null),
                new Route(compliance, "GET", "/api/audit/referrals/{referral}", List.of("asOf"), null),
                new Route(compliance, "GET", "/api/audit/referrals/{referral}/diff", List.of("from", "to"), null),
                new Route(compliance, "GET", "/api/audit/records/{record}", List.of("asOf"), null),
                new Route(compliance, "GET", "/api/audit/records/{record}/diff", List.of("from", "to"), null),
                new Route(compliance, "GET", "/api/audit/appointments/{appointment}", List.of("asOf"), null),
                new Route(compliance, "GET", "/api/audit/appointments/{appointment}/diff", List.of("from", "to"), null),
                new Route(compliance, "GET", "/api/audit/export", List.of("patient", "user", "organisation",
                        "referral", "record", "appointment", "type", "client", "purpose", "request", "from", "to",
                        "format"), null),
                new Route(compliance, "GET", "/api/audit/log/verify", List.of("from", "to"), null),
                // Administration
                new Route(admin, "POST", "/api/admin/ledger/checkpoints", List.of(), null),
                new Route(admin, "GET", "/api/admin/rebuilds/{unknown}", List.of(), null),
                new Route(admin, "GET", "/api/admin/rebuilds", List.of(), null),
                new Route(admin, "GET", "/api/admin/read-models", List.of(), null),
                new Route(admin, "POST", "/api/admin/patients/{unknown}/erasure", List.of(), "{\"reason\":\"r\"}"),
                new Route(admin, "POST", "/api/admin/patients/rekey", List.of(), null),
                new Route(admin, "POST", "/api/admin/partners", List.of(), "{\"id\":\"p-1\",\"organisation\":"
                        + "\"northside-gp\",\"baseUrl\":\"https://ehr.northside.example/fhir\",\"mode\":\"transaction\","
                        + "\"resourceTypes\":[\"Task\"],\"auth\":{\"type\":\"bearer\",\"token\":\"t\"}}"),
                new Route(admin, "GET", "/api/admin/partners", List.of(), null),
                new Route(admin, "GET", "/api/admin/partners/{unknown}", List.of(), null),
                new Route(admin, "POST", "/api/admin/partners/{unknown}/deactivate", List.of(), null),
                new Route(admin, "GET", "/api/admin/partners/{unknown}/dead-letters", List.of(), null),
                new Route(admin, "POST", "/api/admin/partners/{unknown}/dead-letters/{unknown}/retry", List.of(), null),
                new Route(admin, "DELETE", "/api/admin/partners/{unknown}/dead-letters/{unknown}", List.of(), null));
    }

    @Test
    void hostileValuesAnywhereAreRefusedAsProblemsAndStopNothing() {
        awaitQuiet();
        int requests = 0;
        for (Route route : routes()) {
            List<String> placeholders = placeholders(route.path());
            for (Hostile hostile : HOSTILE) {
                // In each path id.
                for (String placeholder : placeholders) {
                    String path = fill(route.path(), placeholder, hostile.url());
                    refused(route, hostile, "path {" + placeholder + "}", path, route.body() == null ? null
                            : fill(route.body(), null, null));
                    requests++;
                }
                // In each query parameter.
                for (String parameter : route.query()) {
                    refused(route, hostile, "?" + parameter, fill(route.path(), null, null) + "?" + parameter + "="
                            + hostile.url(), null);
                    requests++;
                }
                // In each string of the JSON body.
                if (route.body() != null) {
                    String body = fill(route.body(), null, null);
                    Matcher strings = Pattern.compile("\"([^\"]*)\"(?!\\s*:)").matcher(body);
                    while (strings.find()) {
                        String hostileBody = body.substring(0, strings.start(1)) + hostile.json()
                                + body.substring(strings.end(1));
                        refused(route, hostile, "body at " + strings.start(), fill(route.path(), null, null),
                                hostileBody);
                        requests++;
                    }
                }
            }
            // Hostile bodies: nested 10,000 deep, and a huge array.
            if (route.body() != null) {
                String path = fill(route.path(), null, null);
                refused(route, null, "nesting 10,000 deep", path, "[".repeat(10_000) + "]".repeat(10_000));
                refused(route, null, "a huge array", path, "[" + "\"a\",".repeat(200_000) + "\"a\"]");
                requests += 2;
            }
        }
        assertThat(failures).as(failures.size() + " of " + requests + " hostile requests were answered wrongly")
                .isEmpty();
        awaitQuiet();
    }

    @Test
    void theFhirFacadeRefusesHostileValuesWithOperationOutcomes() {
        awaitQuiet();
        String ehr = tokens.get("northside-ehr");
        for (Hostile hostile : HOSTILE) {
            // A URL longer than Tomcat reads (8 KB with the headers) is refused before any path is known: then the
            // answer is problem+json (see malformedPathsAreAnsweredAsProblemsNotHtmlPages); LONG_ID stays under it.
            String url = hostile.url();
            fhir(hostile.name() + " in a read", "GET", "/fhir/Task/" + url, ehr, null);
            fhir(hostile.name() + " in a vread", "GET", "/fhir/ServiceRequest/" + ids.get("referral") + "/_history/"
                    + url, ehr, null);
            fhir(hostile.name() + " in a search", "GET", "/fhir/Task?patient=" + url, ehr, null);
            fhir(hostile.name() + " in a Patient read", "GET", "/fhir/Patient/" + url, ehr, null);
            fhir(hostile.name() + " in a Practitioner read", "GET", "/fhir/Practitioner/" + url, ehr, null);
            fhir(hostile.name() + " in a Patient search", "GET", "/fhir/Patient?identifier=urn:x%7C" + url, ehr, null);
            fhir(hostile.name() + " in a created ServiceRequest", "POST", "/fhir/ServiceRequest", ehr,
                    serviceRequest(hostile.json()));
            fhir(hostile.name() + " in a transaction", "POST", "/fhir", ehr, transaction(hostile.json()));
        }
        fhir("nesting 10,000 deep", "POST", "/fhir", ehr, "{\"resourceType\":\"Bundle\",\"type\":\"transaction\","
                + "\"entry\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}");
        fhir("a 6 MB transaction", "POST", "/fhir", ehr, transaction("x".repeat(6 * 1024 * 1024)));
        assertThat(failures).isEmpty();
        awaitQuiet();
    }

    // --- one request and what it must answer --------------------------------------------------------------

    private void refused(Route route, Hostile hostile, String where, String path, String body) {
        long before = head();
        byte[] bytes = body == null ? (route.method().equals("PUT") ? "x".getBytes(StandardCharsets.UTF_8) : null)
                : body.getBytes(StandardCharsets.UTF_8);
        String type = body == null ? (route.method().equals("PUT") ? "text/plain" : null) : "application/json";
        Answer answer = http.send(route.method(), path, tokens.get(route.who()), type, bytes, Map.of());
        String what = route.method() + " " + route.path() + " with " + (hostile == null ? "" : hostile.name() + " in ")
                + where + ": " + answer.status() + " " + answer.contentType() + " "
                + answer.body().substring(0, Math.min(200, answer.body().length()));
        if (answer.status() < 400 || answer.status() >= 500) {
            failures.add("not refused (" + what + ")");
        } else if (!answer.isProblem()) {
            failures.add("not problem+json (" + what + ")");
        } else if (head() != before) {
            failures.add("appended to the log (" + what + ")");
        }
    }

    private void fhir(String what, String method, String path, String token, String body) {
        long before = head();
        Answer answer = http.send(method, path, token, body == null ? null : "application/fhir+json",
                body == null ? null : body.getBytes(StandardCharsets.UTF_8), Map.of());
        String seen = what + ": " + answer.status() + " " + answer.contentType() + " "
                + answer.body().substring(0, Math.min(300, answer.body().length()));
        if (answer.status() < 400 || answer.status() >= 500) {
            failures.add("not refused (" + seen + ")");
        } else if (!answer.isOperationOutcome()) {
            failures.add("not an OperationOutcome (" + seen + ")");
        } else if (head() != before) {
            failures.add("appended to the log (" + seen + ")");
        }
    }

    private static String serviceRequest(String reason) {
        return """
                {"resourceType":"ServiceRequest","status":"active","intent":"order",\
                "subject":{"identifier":{"system":"https://northside-gp.example/mrn","value":"H-1"},\
                "display":"Alex Morgan"},"requester":{"reference":"Organization/northside-gp"},\
                "code":{"text":"Dermatology consultation"},"reasonCode":[{"text":"%s"}]}""".formatted(reason);
    }

    private static String transaction(String reason) {
        String sr = "urn:uuid:" + UUID.randomUUID();
        return """
                {"resourceType":"Bundle","type":"transaction",\
                "identifier":{"system":"https://northside-gp.example/bundle","value":"%s"},"entry":[\
                {"fullUrl":"%s","resource":%s,"request":{"method":"POST","url":"ServiceRequest"}},\
                {"fullUrl":"urn:uuid:%s","resource":{"resourceType":"Task","status":"requested","intent":"order",\
                "focus":{"reference":"%s"},\
                "for":{"identifier":{"system":"https://northside-gp.example/mrn","value":"H-1"}},\
                "requester":{"reference":"Organization/northside-gp"},\
                "owner":{"reference":"Organization/riverside-derm"}},"request":{"method":"POST","url":"Task"}}]}"""
                .formatted(UUID.randomUUID(), sr, serviceRequest(reason), UUID.randomUUID(), sr);
    }

    // --- the table's placeholders ------------------------------------------------------------------------

    private static List<String> placeholders(String path) {
        List<String> found = new ArrayList<>();
        Matcher m = Pattern.compile("\\{(\\w+)}").matcher(path);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    /** The template with {@code hostile} for its first {@code placeholder} and valid ids for the rest. */
    private String fill(String template, String placeholder, String hostile) {
        String out = template;
        if (placeholder != null) {
            out = out.replaceFirst("\\{" + placeholder + "}", Matcher.quoteReplacement(hostile));
        }
        for (Map.Entry<String, String> id : ids.entrySet()) {
            out = out.replace("{" + id.getKey() + "}", id.getValue());
        }
        return out;
    }

    // --- the log and its processors ----------------------------------------------------------------------

    private long head() {
        return jdbc.queryForObject("SELECT coalesce(max(global_index), 0) FROM domain_event_entry", Long.class);
    }

    /**
     * Until the log stops growing, every processor (sagas included) has handled all of it, and no dead letter but
     * those there before this class.
     */
    private void awaitQuiet() {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long previous = -1;
        String state = "";
        while (System.nanoTime() < deadline) {
            long head = head();
            boolean caughtUp = processing.eventProcessors().values().stream()
                    .filter(StreamingEventProcessor.class::isInstance).map(StreamingEventProcessor.class::cast)
                    .allMatch(p -> !p.processingStatus().isEmpty() && p.processingStatus().values().stream()
                            .allMatch(s -> s.getCurrentPosition().orElse(-1) >= head
                                    && committedGaps(s.getTrackingToken()) == 0));
            Integer deadLetters = jdbc.queryForObject("SELECT count(*) FROM dead_letter_entry WHERE dead_letter_id "
                    + "<> ALL(?)", Integer.class, (Object) earlierDeadLetters.toArray(String[]::new));
            if (caughtUp && head == previous && deadLetters == 0) {
                return;
            }
            state = "head " + head + ", caught up " + caughtUp + ", dead letters " + deadLetters;
            previous = head;
            sleep(200);
        }
        fail("the processors did not reach the head of the log with no dead letters within 30 s: " + state);
    }

    private int committedGaps(TrackingToken token) {
        TrackingToken position = WrappedToken.unwrapLowerBound(token);
        if (!(position instanceof GapAwareTrackingToken gapAware) || gapAware.getGaps().isEmpty()) {
            return 0;
        }
        Integer committed = jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE global_index = ANY(?)",
                Integer.class, (Object) gapAware.getGaps().toArray(Long[]::new));
        return committed == null ? 0 : committed;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String inDays(int days) {
        return inDays(days, 0);
    }

    static String inDays(int days, int minutes) {
        return Instant.parse("2031-03-01T09:00:00Z").plus(Duration.ofDays(days)).plus(Duration.ofMinutes(minutes))
                .toString();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
