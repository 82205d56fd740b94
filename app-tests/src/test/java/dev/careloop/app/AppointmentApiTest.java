package dev.careloop.app;

import dev.careloop.app.CareLoopClient.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Appointments for transitions of care over real HTTP: book, move, hand off, and who may see what. */
@CareLoopIntegrationTest
class AppointmentApiTest {

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

    @Test
    void bookedAppointmentIsCreatedAndReadBack() {
        Response booked = gp.post("/api/appointments", booking(inDays(3)));

        assertThat(booked.status()).isEqualTo(201);
        String id = booked.json().get("appointmentId").asString();
        assertThat(booked.header(HttpHeaders.LOCATION)).isEqualTo("/api/appointments/" + id);
        assertThat(booked.header(HttpHeaders.ETAG)).isEqualTo("\"1\"");
        assertThat(booked.json().get("status").asString()).isEqualTo("booked");
        assertThat(booked.json().get("performer").asString()).isEqualTo("northside-gp");
        assertThat(gp.get("/api/appointments/" + id).status()).isEqualTo(200);
    }

    @Test
    void rescheduleWithAStaleIfMatchIsAConflictAndWithTheCurrentOneMovesTheVisit() {
        String id = book(gp);
        Map<String, Object> move = Map.of("slot", Map.of("start", inDays(6).toString()), "reason", "clinic closed");

        Response stale = gp.post("/api/appointments/" + id + "/reschedule", move, h -> h.setIfMatch("\"7\""));
        Response moved = gp.post("/api/appointments/" + id + "/reschedule", move, h -> h.setIfMatch("\"1\""));

        assertThat(stale.status()).isEqualTo(409);
        assertThat(moved.status()).isEqualTo(200);
        assertThat(moved.header(HttpHeaders.ETAG)).isEqualTo("\"2\"");
        assertThat(Instant.parse(moved.json().get("slot").get("start").asString())).isEqualTo(inDays(6));
    }

    @Test
    void handedOffAppointmentIsSeenAndRunByTheNewPerformer() {
        String id = book(gp);

        Response handedOff = gp.post("/api/appointments/" + id + "/hand-off",
                Map.of("toOrganisation", "riverside-derm", "reason", "closer to the patient's home"));
        Response arrivedAtRiverside = derm.post("/api/appointments/" + id + "/arrived", Map.of());
        Response cancelledByFormer = gp.post("/api/appointments/" + id + "/cancel", Map.of("reason", "oops"));

        assertThat(handedOff.status()).isEqualTo(200);
        assertThat(arrivedAtRiverside.status()).isEqualTo(200);
        assertThat(arrivedAtRiverside.json().get("status").asString()).isEqualTo("arrived");
        assertThat(cancelledByFormer.status()).isEqualTo(403);
        assertThat(ids(derm.get("/api/appointments?size=100").json())).contains(id);
        assertThat(ids(gp.get("/api/appointments?size=100").json())).contains(id);
    }

    @Test
    void anotherOrganisationsAppointmentIsNotFoundForReadsAndWrites() {
        String id = book(gp);

        assertThat(cardio.get("/api/appointments/" + id).status()).isEqualTo(404);
        assertThat(cardio.post("/api/appointments/" + id + "/no-show", Map.of()).status()).isEqualTo(404);
        assertThat(ids(cardio.get("/api/appointments?size=100").json())).doesNotContain(id);
    }

    @Test
    void proposedSlotIsConfirmedIntoABooking() {
        Response proposed = gp.post("/api/appointments/proposals", Map.of(
                "patient", patient(), "slots", List.of(Map.of("start", inDays(4).toString()),
                        Map.of("start", inDays(5).toString()))));
        String id = proposed.json().get("appointmentId").asString();

        Response confirmed = gp.post("/api/appointments/" + id + "/confirm-slot",
                Map.of("start", inDays(5).toString()));

        assertThat(proposed.json().get("status").asString()).isEqualTo("proposed");
        assertThat(confirmed.status()).isEqualTo(200);
        assertThat(confirmed.json().get("status").asString()).isEqualTo("booked");
        assertThat(Instant.parse(confirmed.json().get("slot").get("start").asString())).isEqualTo(inDays(5));
    }

    @Test
    void aBookingWithoutPatientOrSlotListsEachBadField() {
        Response bad = gp.post("/api/appointments", Map.of("location", "Room 1"));

        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("\"patient\"").contains("\"slot\"");
    }

    @Test
    void aRetriedBookingWithTheSameIdempotencyKeyCreatesOneAppointment() {
        String key = UUID.randomUUID().toString();
        Map<String, Object> body = booking(inDays(8));

        Response first = gp.post("/api/appointments", body, h -> h.set("Idempotency-Key", key));
        Response again = gp.post("/api/appointments", body, h -> h.set("Idempotency-Key", key));

        assertThat(again.status()).isEqualTo(201);
        assertThat(again.json().get("appointmentId").asString())
                .isEqualTo(first.json().get("appointmentId").asString());
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
    }

    private String book(CareLoopClient client) {
        Response booked = client.post("/api/appointments", booking(inDays(3)));
        assertThat(booked.status()).isEqualTo(201);
        return booked.json().get("appointmentId").asString();
    }

    private static Map<String, Object> booking(Instant start) {
        return Map.of("patient", patient(), "slot", Map.of("start", start.toString(),
                "end", start.plus(30, ChronoUnit.MINUTES).toString()), "location", "Room 4");
    }

    private static Map<String, Object> patient() {
        return Map.of("identifierSystem", "https://northside-gp.example/mrn", "identifierValue",
                "APPT-" + UUID.randomUUID(), "name", "Robin Patel", "birthDate", "1975-06-30");
    }

    private static Instant inDays(int days) {
        return Instant.parse("2030-01-01T09:00:00Z").plus(days, ChronoUnit.DAYS);
    }

    private static List<String> ids(JsonNode page) {
        return page.get("items").valueStream().map(n -> n.get("appointmentId").asString()).toList();
    }
}
