package dev.careloop.app;

import dev.careloop.app.CareLoopClient.Response;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import org.springframework.http.HttpHeaders;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static dev.careloop.app.DemoClinics.DERM;
import static dev.careloop.app.DemoClinics.GP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One way to schedule: a referral's visit is its appointment, and the process manager keeps the referral's
 * business status in step with the appointment's events (docs/API.md's table), over real HTTP, whether the
 * clinic acts on the referral or on the appointment.
 */
@CareLoopIntegrationTest
class ReferralVisitApiTest {

    private static final String SAGA = "ReferralVisitSagaProcessor";

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EventProcessingConfiguration processing;
    @Autowired
    TokenStore tokens;
    @Autowired
    TransactionManager transactions;

    private CareLoopClient gp;
    private CareLoopClient derm;

    @BeforeEach
    void clients() {
        gp = DemoClinics.at(port).gp();
        derm = DemoClinics.at(port).derm();
    }

    @Test
    void everyVisitActionOnTheReferralChangesItsAppointmentAndTheReferralFollows() {
        String id = acceptedReferral();

        JsonNode scheduled = write(id, "schedule", visitAt(inDays(3)));
        String first = scheduled.get("appointmentId").asString();
        assertThat(status(scheduled)).isEqualTo("5.1.1");
        assertThat(scheduled.get("version").asLong()).isEqualTo(3);
        assertThat(appointment(first, a -> true).get("status").asString()).isEqualTo("booked");

        JsonNode moved = write(id, "reschedule", Map.of("start", inDays(5).toString(), "location", "Room 1", "reason", "clinic closed"));
        assertThat(status(moved)).isEqualTo("5.1.1");
        assertThat(Instant.parse(moved.get("appointment").get("start").asString())).isEqualTo(inDays(5));
        assertThat(Instant.parse(appointment(first, a -> a.get("version").asLong() == 2)
                .get("slot").get("start").asString())).isEqualTo(inDays(5));

        JsonNode missed = write(id, "no-show", null);
        assertThat(status(missed)).isEqualTo("5.1.2");
        assertThat(appointment(first, a -> a.get("version").asLong() == 3).get("status").asString())
                .isEqualTo("noshow");

        // A missed appointment is over: rescheduling books a new one.
        JsonNode rebooked = write(id, "reschedule", Map.of("start", inDays(9).toString(), "location", "Room 1", "reason", "missed"));
        String second = rebooked.get("appointmentId").asString();
        assertThat(status(rebooked)).isEqualTo("5.1.1");
        assertThat(second).isNotEqualTo(first);

        JsonNode cancelled = write(id, "cancel-appointment", Map.of("reason", "patient moved away"));
        assertThat(status(cancelled)).isEqualTo("5.1.3");
        assertThat(cancelled.get("version").asLong()).isEqualTo(7);
        assertThat(appointment(second, a -> a.get("status").asString().equals("cancelled"))).isNotNull();

        assertThat(timeline(id)).containsExactly("ReferralSent", "ReferralAccepted", "VisitScheduled",
                "VisitRescheduled", "NoShowRecorded", "VisitScheduled", "VisitCancelled");
    }

    @Test
    void scheduleAnswersWithTheReferralAlreadyScheduledInTheBookingsOwnTransaction() {
        String id = acceptedReferral();
        TrackingEventProcessor saga = processing.eventProcessor(SAGA, TrackingEventProcessor.class).orElseThrow();
        JsonNode scheduled;
        // Without the process manager running, only the booking's own transaction can move the referral.
        saga.shutDown();
        try {
            scheduled = write(id, "schedule", visitAt(inDays(3)));
        } finally {
            saga.start();
        }

        assertThat(status(scheduled)).isEqualTo("5.1.1");
        assertThat(scheduled.get("version").asLong()).isEqualTo(3);
        String appointmentId = scheduled.get("appointmentId").asString();
        assertThat(Instant.parse(scheduled.get("appointment").get("start").asString())).isEqualTo(inDays(3));
        List<String> writers = jdbc.queryForList("SELECT xmin::text FROM domain_event_entry "
                + "WHERE (aggregate_identifier = ? AND sequence_number = 2) "
                + "OR (aggregate_identifier = ? AND sequence_number = 0)", String.class, id, appointmentId);
        assertThat(writers).as("the transactions that wrote the booking and the referral's VisitScheduled")
                .hasSize(2).containsOnly(writers.get(0));
        long last = lastGlobalIndex();
        await("the process manager to have seen the booking", () -> saga.processingStatus().values().stream()
                .allMatch(s -> s.getCurrentPosition().orElse(-1) >= last));
        assertThat(timeline(id)).as("the process manager found it already followed")
                .containsExactly("ReferralSent", "ReferralAccepted", "VisitScheduled");
    }

    @Test
    void aScheduleAnswersThePositionOfTheNewestEventOfTheReferralAndItsAppointment() {
        String id = acceptedReferral();
        TrackingEventProcessor saga = processing.eventProcessor(SAGA, TrackingEventProcessor.class).orElseThrow();
        Response scheduled;
        // Nothing but the booking's own transaction appends to either aggregate meanwhile.
        saga.shutDown();
        try {
            scheduled = derm.post("/api/referrals/" + id + "/schedule", visitAt(inDays(4)));
            assertThat(scheduled.status()).as(scheduled.body()).isEqualTo(200);
            String appointmentId = scheduled.json().get("appointmentId").asString();

            // The write wrote two aggregates: its position is the newest event of both, whichever it is.
            Long newest = jdbc.queryForObject("SELECT max(global_index) FROM domain_event_entry "
                    + "WHERE aggregate_identifier IN (?, ?)", Long.class, id, appointmentId);
            assertThat(scheduled.header("CareLoop-Position")).isEqualTo(Long.toString(newest));
        } finally {
            saga.start();
        }
    }

    @Test
    void bookingThroughTheAppointmentApiSchedulesTheReferral() {
        String id = acceptedReferral();

        Response booked = derm.post("/api/appointments", Map.of("referralId", id,
                "slot", Map.of("start", inDays(4).toString()), "location", "Room 3"));

        assertThat(booked.status()).as(booked.body()).isEqualTo(201);
        String appointmentId = booked.json().get("appointmentId").asString();
        assertThat(booked.json().get("participants").toString()).contains(GP).contains(DERM);
        JsonNode referral = referral(id, r -> status(r).equals("5.1.1"));
        assertThat(referral.get("appointmentId").asString()).isEqualTo(appointmentId);
    }

    @Test
    void slotsProposedForAReferralAndPickedByTheReferrerScheduleIt() {
        String id = acceptedReferral();
        Response proposed = derm.post("/api/appointments/proposals", Map.of("referralId", id,
                "slots", List.of(Map.of("start", inDays(4).toString()), Map.of("start", inDays(6).toString()))));
        String appointmentId = proposed.json().get("appointmentId").asString();
        assertThat(status(referral(id, r -> true))).isEqualTo("3.0");

        Response picked = gp.post("/api/appointments/" + appointmentId + "/confirm-slot",
                Map.of("start", inDays(6).toString()));

        assertThat(picked.status()).as(picked.body()).isEqualTo(200);
        JsonNode referral = referral(id, r -> status(r).equals("5.1.1"));
        assertThat(Instant.parse(referral.get("appointment").get("start").asString())).isEqualTo(inDays(6));
    }

    @Test
    void cancellingTheAppointmentItselfLeavesTheReferralWithoutAVisit() {
        String id = acceptedReferral();
        String appointmentId = write(id, "schedule", visitAt(inDays(3))).get("appointmentId").asString();

        Response cancelled = derm.post("/api/appointments/" + appointmentId + "/cancel",
                Map.of("reason", "clinician ill"));

        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(status(referral(id, r -> r.get("version").asLong() == 4))).isEqualTo("5.1.3");
    }

    @Test
    void decliningAScheduledReferralCancelsItsAppointmentAndThatIsNotEchoedBack() {
        String id = acceptedReferral();
        String appointmentId = write(id, "schedule", visitAt(inDays(3))).get("appointmentId").asString();

        JsonNode declined = write(id, "decline", Map.of("reason", "not our specialty after all"));

        assertThat(status(declined)).isEqualTo("4.0");
        JsonNode appointment = appointment(appointmentId, a -> a.get("status").asString().equals("cancelled"));
        assertThat(appointment.get("version").asLong()).isEqualTo(2);
        assertThat(timeline(id)).containsExactly("ReferralSent", "ReferralAccepted", "VisitScheduled",
                "ReferralDeclined");
    }

    @Test
    void reschedulingWithoutIfMatchIsPreconditionRequiredAndMovesNothing() {
        String id = acceptedReferral();
        write(id, "schedule", visitAt(inDays(3)));

        Response refused = derm.post("/api/referrals/" + id + "/reschedule",
                Map.of("start", inDays(5).toString(), "location", "Room 1"));

        assertThat(refused.status()).as(refused.body()).isEqualTo(428);
        assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("If-Match");
        assertThat(Instant.parse(referral(id, r -> true).get("appointment").get("start").asString()))
                .isEqualTo(inDays(3));
    }

    @Test
    void reschedulingWithOnlyANewStartKeepsTheVisitsLength() {
        String id = acceptedReferral();
        write(id, "schedule", visitAt(inDays(3)));

        JsonNode moved = write(id, "reschedule", Map.of("start", inDays(5).toString(), "location", "Room 1"));

        assertThat(Instant.parse(moved.get("appointment").get("end").asString()))
                .isEqualTo(inDays(5).plus(30, ChronoUnit.MINUTES));
    }

    @Test
    void theConsultReportSentBeforeTheVisitCancelsIt() {
        String id = acceptedReferral();
        String appointmentId = write(id, "schedule", visitAt(inDays(3))).get("appointmentId").asString();

        JsonNode completed = write(id, "outcome", Map.of("report", "Seen at a walk-in clinic; benign"));

        assertThat(status(completed)).isEqualTo("7.0");
        assertThat(completed.hasNonNull("appointment")).as("the referral no longer shows the cancelled visit").isFalse();
        assertThat(completed.hasNonNull("appointmentId")).isFalse();
        JsonNode appointment = appointment(appointmentId, a -> !a.get("status").asString().equals("booked"));
        assertThat(appointment.get("status").asString()).isEqualTo("cancelled");
        assertThat(timeline(id)).containsExactly("ReferralSent", "ReferralAccepted", "VisitScheduled", "OutcomeSent");
    }

    @Test
    void theConsultReportAfterThePatientArrivedMarksTheVisitFulfilled() {
        String id = acceptedReferral();
        String appointmentId = write(id, "schedule", visitAt(inDays(3))).get("appointmentId").asString();
        Response arrived = derm.post("/api/appointments/" + appointmentId + "/arrived", null);
        assertThat(arrived.status()).as(arrived.body()).isEqualTo(200);

        write(id, "outcome", Map.of("report", "Benign naevus"));

        assertThat(appointment(appointmentId, a -> a.get("status").asString().equals("fulfilled"))).isNotNull();
    }

    @Test
    void aReferralDeclinedWhileOnHoldShowsTheReasonAndNoLongerAnOpenQuestion() {
        String id = acceptedReferral();
        write(id, "request-information", Map.of("question", "Any family history?"));

        write(id, "decline", Map.of("reason", "Outside our catchment area"));

        JsonNode view = referral(id, r -> status(r).equals("4.0"));
        assertThat(view.path("openQuestion").isNull() || view.path("openQuestion").isMissingNode())
                .as(view.toString()).isTrue();
        assertThat(view.get("declineReason").asString()).isEqualTo("Outside our catchment area");
    }

    @Test
    void aReferralWithABookedVisitRefusesASecondAppointment() {
        String id = acceptedReferral();
        write(id, "schedule", visitAt(inDays(3)));

        Response second = derm.post("/api/appointments", Map.of("referralId", id,
                "slot", Map.of("start", inDays(4).toString())));

        assertThat(second.status()).isEqualTo(409);
        assertThat(second.json().get("detail").asString())
                .isEqualTo("an appointment is already booked; reschedule it instead");
    }

    @Test
    void redeliveringEveryEventToTheProcessManagerChangesNothing() {
        long before = lastGlobalIndex();
        String visited = acceptedReferral();
        write(visited, "schedule", visitAt(inDays(3)));
        write(visited, "reschedule", Map.of("start", inDays(5).toString(), "location", "Room 1", "reason", "clinic closed"));
        write(visited, "no-show", null);
        write(visited, "reschedule", Map.of("start", inDays(9).toString(), "location", "Room 1", "reason", "missed"));
        write(visited, "cancel-appointment", Map.of("reason", "patient moved away"));
        String declined = acceptedReferral();
        write(declined, "schedule", visitAt(inDays(3)));
        write(declined, "decline", Map.of("reason", "not our specialty"));
        String declinedAppointment = referral(declined, r -> true).get("appointmentId").asString();
        appointment(declinedAppointment, a -> a.get("status").asString().equals("cancelled"));
        long events = eventCount();
        long last = lastGlobalIndex();
        JsonNode visitedView = referral(visited, r -> true);

        TrackingEventProcessor saga = processing.eventProcessor(SAGA, TrackingEventProcessor.class).orElseThrow();
        saga.shutDown();
        try {
            transactions.executeInTransaction(() -> tokens.storeToken(
                    GapAwareTrackingToken.newInstance(before, Set.of()), SAGA, 0));
        } finally {
            saga.start();
        }
        await("the process manager to have seen every event again",
                () -> saga.processingStatus().values().stream().allMatch(s -> s.getCurrentPosition().orElse(-1) >= last));

        assertThat(eventCount()).isEqualTo(events);
        assertThat(referral(visited, r -> true)).isEqualTo(visitedView);
    }

    // --- helpers -------------------------------------------------------------------------------------

    private String acceptedReferral() {
        Response sent = gp.post("/api/referrals", CareLoopClient.referralTo(DERM,
                "VISIT-" + UUID.randomUUID().toString().substring(0, 12)));
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        String id = sent.json().get("referralId").asString();
        write(id, "accept", null);
        return id;
    }

    /** A write on the referral by the receiving clinic; the answer is the referral once it has followed. */
    private JsonNode write(String id, String action, Object body) {
        // A reschedule overwrites the visit: it names the version it was based on.
        Response written = "reschedule".equals(action)
                ? derm.post("/api/referrals/" + id + "/" + action, body,
                        h -> h.set(HttpHeaders.IF_MATCH, derm.get("/api/referrals/" + id).header(HttpHeaders.ETAG)))
                : derm.post("/api/referrals/" + id + "/" + action, body);
        assertThat(written.status()).as(action + ": " + written.body()).isEqualTo(200);
        return written.json();
    }

    private JsonNode referral(String id, Predicate<JsonNode> until) {
        return awaitJson(() -> gp.get("/api/referrals/" + id), until);
    }

    private JsonNode appointment(String id, Predicate<JsonNode> until) {
        return awaitJson(() -> derm.get("/api/appointments/" + id), until);
    }

    private List<String> timeline(String id) {
        List<String> events = new ArrayList<>();
        gp.get("/api/referrals/" + id + "/timeline").json().forEach(e -> events.add(e.get("event").asString()));
        return events;
    }

    private long eventCount() {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry", Long.class);
    }

    private long lastGlobalIndex() {
        return jdbc.queryForObject("SELECT coalesce(max(global_index), 0) FROM domain_event_entry", Long.class);
    }

    private static String status(JsonNode referral) {
        return referral.get("businessStatus").asString();
    }

    private static JsonNode awaitJson(Supplier<Response> read, Predicate<JsonNode> until) {
        JsonNode[] last = new JsonNode[1];
        await("a read model to show the change", () -> {
            Response response = read.get();
            if (response.status() != 200) {
                return false;
            }
            last[0] = response.json();
            return until.test(last[0]);
        });
        return last[0];
    }

    private static void await(String what, Supplier<Boolean> condition) {
        Await.until(Duration.ofSeconds(10), condition::get, what);
    }

    private static Map<String, Object> visitAt(Instant start) {
        return Map.of("start", start.toString(), "end", start.plus(30, ChronoUnit.MINUTES).toString(),
                "location", "Riverside Dermatology, room 3");
    }

    private static Instant inDays(int days) {
        return Instant.parse("2030-01-01T09:00:00Z").plus(days, ChronoUnit.DAYS);
    }
}
