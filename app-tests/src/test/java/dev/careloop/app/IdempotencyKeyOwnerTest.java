package dev.careloop.app;

import dev.careloop.app.CareLoopClient.Response;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;

import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static dev.careloop.app.DemoClinics.DERM;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An Idempotency-Key's stored answer goes only to the caller that made the first request, and only once the route
 * has let that caller through: another caller with the same key is refused by the route or processed as its own.
 */
@CareLoopIntegrationTest
class IdempotencyKeyOwnerTest {


    @LocalServerPort
    int port;

    @Test
    void aComplianceOfficerReplayingAClinicianKeyIsRefusedAndSeesNothingOfTheFirstAnswer() {
        CareLoopClient clinician = DemoClinics.at(port).gp();
        Consumer<HttpHeaders> key = key();
        Response first = clinician.post("/api/referrals", CareLoopClient.referralTo(DERM, mrn()), key);
        assertThat(first.status()).as(first.body()).isEqualTo(201);

        Response replayed = DemoClinics.at(port).client("northside-gp-compliance")
                .post("/api/referrals", CareLoopClient.referralTo(DERM, mrn()), key);

        assertThat(replayed.status()).isEqualTo(403);
        assertThat(replayed.header("Idempotent-Replayed")).isNull();
        assertThat(replayed.body()).doesNotContain(first.json().get("referralId").asString())
                .doesNotContain("Alex Morgan");
    }

    @Test
    void anotherClientOfTheSameOrganisationWithTheSameKeyGetsItsOwnWrite() {
        CareLoopClient staff = DemoClinics.at(port).gp();
        CareLoopClient coordinator = DemoClinics.at(port).client("northside-gp-coordinator");
        Consumer<HttpHeaders> key = key();
        Map<String, Object> referral = CareLoopClient.referralTo(DERM, mrn());
        Response first = staff.post("/api/referrals", referral, key);
        assertThat(first.status()).as(first.body()).isEqualTo(201);

        Response other = coordinator.post("/api/referrals", referral, key);
        Response retried = staff.post("/api/referrals", referral, key);

        assertThat(other.status()).as(other.body()).isEqualTo(201);
        assertThat(other.header("Idempotent-Replayed")).isNull();
        assertThat(other.json().get("referralId").asString())
                .isNotEqualTo(first.json().get("referralId").asString());
        assertThat(retried.status()).isEqualTo(201);
        assertThat(retried.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(retried.json().get("referralId").asString()).isEqualTo(first.json().get("referralId").asString());
    }

    @Test
    void anotherOrganisationWithTheSameKeyGetsItsOwnWriteNotTheFirstAnswer() {
        Consumer<HttpHeaders> key = key();
        Response first = DemoClinics.at(port).gp()
                .post("/api/referrals", CareLoopClient.referralTo(DERM, mrn()), key);
        assertThat(first.status()).as(first.body()).isEqualTo(201);

        Response booked = DemoClinics.at(port).cardio().post("/api/appointments", Map.of(
                "patient", Map.of("identifierSystem", "https://lakeside-cardio.example/mrn", "identifierValue",
                        mrn(), "name", "Jo Nguyen", "birthDate", "1991-07-14"),
                "slot", Map.of("start", "2030-03-01T09:00:00Z")), key);

        assertThat(booked.status()).as(booked.body()).isEqualTo(201);
        assertThat(booked.header("Idempotent-Replayed")).isNull();
        assertThat(booked.json().has("appointmentId")).isTrue();
        assertThat(booked.body()).doesNotContain(first.json().get("referralId").asString());
    }

    private static Consumer<HttpHeaders> key() {
        String key = "key-" + UUID.randomUUID();
        return h -> h.set("Idempotency-Key", key);
    }

    private static String mrn() {
        return DemoClinics.mrn("IDEM");
    }
}
