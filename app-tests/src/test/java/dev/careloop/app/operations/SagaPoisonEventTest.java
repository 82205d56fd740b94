package dev.careloop.app.operations;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.careloop.api.referral.FollowAppointment;
import dev.careloop.app.Await;
import dev.careloop.app.CareLoopClient;
import dev.careloop.app.DemoClinics;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.common.Registration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import org.springframework.http.HttpHeaders;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import static dev.careloop.app.DemoClinics.DERM;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The process manager cannot be stopped by one poison event (issue 13): when the saga fails for one referral's
 * appointment (here the referral's command fails on a real database error, which aborts the saga's transaction),
 * the event is retried, then dead-lettered in saga_dead_letter; the saga processor goes on with other referrals;
 * later events of the same appointment wait behind the letter; readiness is DOWN and the admin API and the gauge
 * show the letter; an administrator's retry, once the fault is gone, completes the saga in log order. The
 * scheduled retry of dead letters is off, so that the administrator's calls are what empties the queue.
 */
@PoisonedCareLoop
class SagaPoisonEventTest {

    private static final String SAGA = "ReferralVisitSagaProcessor";

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    CommandBus commandBus;

    /** Referrals whose commands from the saga fail in the database. */
    private final Set<String> poisoned = ConcurrentHashMap.newKeySet();
    private Registration fault;
    private CareLoopClient gp;
    private CareLoopClient derm;
    private CareLoopClient admin;

    @BeforeEach
    void injectFault() {
        gp = DemoClinics.at(port).gp();
        derm = DemoClinics.at(port).derm();
        admin = DemoClinics.at(port).admin();
        fault = commandBus.registerHandlerInterceptor((unitOfWork, chain) -> {
            if (unitOfWork.getMessage().getPayload() instanceof FollowAppointment follow
                    && poisoned.contains(follow.referralId())) {
                jdbc.queryForObject("SELECT 1 / 0", Integer.class);
            }
            return chain.proceed();
        });
    }

    @AfterEach
    void removeFault() {
        fault.cancel();
    }

    @Test
    void aSagaEventThatKeepsFailingIsDeadLetteredAndAnAdminRetryCompletesTheSagaInOrder() {
        String poisonedReferral = acceptedReferral();
        poisoned.add(poisonedReferral);
        String appointment = book(poisonedReferral, inDays(4));
        String sequence = "appointmentId." + appointment;

        awaitTrue(() -> letters(sequence) == 1, "the failing AppointmentBooked was not dead-lettered");
        JsonNode letter = sequenceIn(admin.get("/api/admin/dead-letters").json(), sequence).get("letters").get(0);
        assertThat(letter.get("eventType").asString()).isEqualTo("AppointmentBooked");
        assertThat(letter.get("aggregateId").asString()).isEqualTo(appointment);
        assertThat(letter.get("globalIndex").asLong()).isPositive();
        assertThat(letter.get("cause").asString()).contains("division by zero").doesNotContain("\n");

        // The saga processor goes on: another referral's visit is followed.
        String healthy = acceptedReferral();
        book(healthy, inDays(5));
        awaitTrue(() -> "5.1.1".equals(status(healthy)), "another referral's visit was not followed");

        // A later event of the same appointment waits behind the letter instead of overtaking it.
        var moved = derm.post("/api/appointments/" + appointment + "/reschedule",
                Map.of("slot", Map.of("start", inDays(6).toString()), "reason", "clinic closed"),
                h -> h.set(HttpHeaders.IF_MATCH, derm.get("/api/appointments/" + appointment).header(HttpHeaders.ETAG)));
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        awaitTrue(() -> letters(sequence) == 2, "the later event of the appointment was not parked");
        JsonNode parked = sequenceIn(admin.get("/api/admin/dead-letters").json(), sequence).get("letters").get(1);
        assertThat(parked.get("eventType").asString()).isEqualTo("AppointmentRescheduled");
        assertThat(parked.get("causeType").asString()).isEqualTo("parked");
        assertThat(status(poisonedReferral)).isEqualTo("3.0");

        awaitTrue(() -> readiness() == 503, "readiness stayed UP while a saga event was dead-lettered");
        awaitTrue(() -> prometheus().contains("careloop_dead_letters{group=\"" + SAGA + "\"} "
                + groupLetters() + ".0"), "the gauge did not count the saga's letters");
        assertThat(groupLetters()).isGreaterThanOrEqualTo(2);
        String path = "/api/admin/dead-letters/" + SAGA + "/" + URLEncoder.encode(sequence, StandardCharsets.UTF_8);
        assertThat(gp.post(path + "/retry", null).status()).as("retry by clinic staff").isEqualTo(403);

        // While the fault lasts, a retry fails again and keeps both letters: one WARN line, no stack trace.
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        try {
            var failedAgain = admin.post(path + "/retry", null);
            assertThat(failedAgain.json().get("outcome").asString()).isEqualTo("failed-again");
        } finally {
            root.detachAppender(logs);
        }
        assertThat(letters(sequence)).isEqualTo(2);
        assertThat(List.copyOf(logs.list)).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .noneMatch(e -> e.getThrowableProxy() != null)
                .anyMatch(e -> e.getFormattedMessage().contains("failed again: ")
                        && e.getFormattedMessage().contains("division by zero"))
                .anyMatch(e -> e.getFormattedMessage().contains("retried by careloop-admin"));

        poisoned.remove(poisonedReferral);
        var retried = admin.post(path + "/retry", null);
        assertThat(retried.status()).as(retried.body()).isEqualTo(200);
        assertThat(retried.json().get("outcome").asString()).isEqualTo("handled");

        assertThat(letters(sequence)).isZero();
        awaitTrue(() -> "5.1.1".equals(status(poisonedReferral)), "the retried saga did not schedule the referral");
        // The saga's commands ran in log order; the read model catches up with both of them.
        awaitTrue(() -> inDays(6).toString().equals(Instant.parse(gp.get("/api/referrals/" + poisonedReferral).json()
                .get("appointment").get("start").asString()).toString()), "booked, then rescheduled: not in log order");
        awaitTrue(() -> readiness() == 200, "readiness stayed DOWN after the saga's letters were retried");
        assertThat(httpStatus(path, "DELETE")).as("nothing left to evict").isEqualTo(404);
    }

    @Test
    void anEvictedSagaLetterIsGoneForGoodAndLaterEventsOfItsAppointmentAreHandledAgain() {
        String referralId = acceptedReferral();
        poisoned.add(referralId);
        String appointment = book(referralId, inDays(4));
        String sequence = "appointmentId." + appointment;
        awaitTrue(() -> letters(sequence) == 1, "the failing AppointmentBooked was not dead-lettered");
        poisoned.remove(referralId);

        String path = "/api/admin/dead-letters/" + SAGA + "/" + URLEncoder.encode(sequence, StandardCharsets.UTF_8);
        assertThat(httpStatus(path, "DELETE")).isEqualTo(204);
        assertThat(letters(sequence)).isZero();

        // The booking is given up; the appointment's next change reaches the saga, which was never started.
        var moved = derm.post("/api/appointments/" + appointment + "/reschedule",
                Map.of("slot", Map.of("start", inDays(6).toString()), "reason", "clinic closed"),
                h -> h.set(HttpHeaders.IF_MATCH, derm.get("/api/appointments/" + appointment).header(HttpHeaders.ETAG)));
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        String healthy = acceptedReferral();
        book(healthy, inDays(5));
        awaitTrue(() -> "5.1.1".equals(status(healthy)), "the saga processor did not go on");
        assertThat(letters(sequence)).as("nothing parked behind an evicted letter").isZero();
        assertThat(status(referralId)).isEqualTo("3.0");
    }

    private String acceptedReferral() {
        var sent = gp.post("/api/referrals", CareLoopClient.referralTo(DERM,
                "SAGA-" + UUID.randomUUID().toString().substring(0, 12)));
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        String id = sent.json().get("referralId").asString();
        var accepted = derm.post("/api/referrals/" + id + "/accept", null);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
        return id;
    }

    private String book(String referralId, Instant start) {
        var booked = derm.post("/api/appointments", Map.of("referralId", referralId,
                "slot", Map.of("start", start.toString()), "location", "Room 3"));
        assertThat(booked.status()).as(booked.body()).isEqualTo(201);
        return booked.json().get("appointmentId").asString();
    }

    private String status(String referralId) {
        var referral = gp.get("/api/referrals/" + referralId);
        return referral.status() == 200 ? referral.json().get("businessStatus").asString() : null;
    }

    private int letters(String sequence) {
        return jdbc.queryForObject("SELECT count(*) FROM saga_dead_letter WHERE processing_group = ? "
                + "AND sequence_identifier = ?", Integer.class, SAGA, sequence);
    }

    private int groupLetters() {
        return jdbc.queryForObject("SELECT count(*) FROM saga_dead_letter WHERE processing_group = ?", Integer.class,
                SAGA);
    }

    private static JsonNode sequenceIn(JsonNode groups, String sequence) {
        for (JsonNode group : groups) {
            if (group.get("group").asString().equals(SAGA)) {
                for (JsonNode s : group.get("sequences")) {
                    if (s.get("sequence").asString().equals(sequence)) {
                        return s;
                    }
                }
            }
        }
        throw new AssertionError("no sequence " + sequence + " of " + SAGA + " in " + groups);
    }

    private static Instant inDays(int days) {
        return Instant.now().plus(days, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
    }

    private int readiness() {
        return httpStatus("/actuator/health/readiness", "GET", null);
    }

    private int httpStatus(String path, String method) {
        return httpStatus(path, method, admin.token());
    }

    private String prometheus() {
        return admin.get("/actuator/prometheus").body();
    }

    private int httpStatus(String path, String method, String token) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .method(method, HttpRequest.BodyPublishers.noBody());
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String failure) {
        Await.until(Duration.ofSeconds(30), condition, failure);
    }
}
