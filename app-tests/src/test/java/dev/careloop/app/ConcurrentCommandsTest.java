package dev.careloop.app;

import dev.careloop.app.CareLoopClient.Response;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many clinicians acting on one referral at the same instant: each command either wins (2xx) or is
 * refused as a conflict (409); the log stays gap-free and the read model ends where the log ends.
 */
@CareLoopIntegrationTest
class ConcurrentCommandsTest {

    private static final int THREADS = 32;

    /** Written by hand from docs/API.md's state machine table, not derived from production code. */
    private static final Map<String, String> STATUS_AFTER = Map.of(
            "ReferralSent", "created",
            "ReferralAccepted", "accepted",
            "ReferralDeclined", "declined",
            "VisitScheduled", "scheduled",
            "InformationRequested", "information-requested");

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void conflictingCommandsAtOnceLeaveAGapFreeLogAndAMatchingView() throws Exception {
        CareLoopClient gp = DemoClinics.at(port).gp();
        CareLoopClient derm = DemoClinics.at(port).derm();
        Response sent = gp.post("/api/referrals",
                CareLoopClient.referralTo("riverside-derm", "RACE-" + UUID.randomUUID().toString().substring(0, 8)));
        assertThat(sent.status()).isEqualTo(201);
        String id = sent.json().get("referralId").asString();

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch ready = new CountDownLatch(THREADS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Response>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < THREADS; i++) {
                String action = List.of("accept", "decline", "schedule", "request-information").get(i % 4);
                boolean conditional = (i / 4) % 2 == 0;
                answers.add(pool.submit(() -> {
                    String seen = derm.get("/api/referrals/" + id).header(HttpHeaders.ETAG);
                    Consumer<HttpHeaders> headers = conditional ? h -> h.set(HttpHeaders.IF_MATCH, seen) : h -> { };
                    ready.countDown();
                    go.await();
                    return derm.post("/api/referrals/" + id + "/" + action, body(action), headers);
                }));
            }
            assertThat(ready.await(30, TimeUnit.SECONDS)).isTrue();
            go.countDown();
            List<Response> responses = new ArrayList<>();
            for (Future<Response> answer : answers) {
                responses.add(answer.get(60, TimeUnit.SECONDS));
            }

            assertThat(responses).allSatisfy(r -> assertThat(r.status()).as(r.body()).isIn(200, 409));
            long successes = responses.stream().filter(r -> r.status() == 200).count();
            assertThat(successes).isPositive();

            // A schedule is checked by the referral, then booked, then followed by the referral through the process
            // manager: a decline that lands in between makes the referral refuse the follow, and the appointment is
            // cancelled instead. Such a schedule answered 200 but adds no event to the referral.
            long schedules = 0;
            for (int i = 0; i < THREADS; i++) {
                if (i % 4 == 2 && responses.get(i).status() == 200) {
                    schedules++;
                }
            }
            long scheduled = schedules;
            Await.until(Duration.ofSeconds(10), () -> {
                List<String> booked = booked(id);
                return booked.size() == scheduled && booked.stream().allMatch(a -> followed(id, a) || cancelled(a));
            }, "every booking followed by the referral or cancelled");
            long refused = booked(id).stream().filter(a -> !followed(id, a)).count();

            List<Map<String, Object>> events = jdbc.queryForList("SELECT sequence_number, payload_type "
                    + "FROM domain_event_entry WHERE aggregate_identifier = ? ORDER BY sequence_number", id);
            long n = events.size();
            assertThat(events).extracting(e -> ((Number) e.get("sequence_number")).longValue())
                    .containsExactlyElementsOf(LongStream.range(0, n).boxed().toList());
            assertThat(n).as("one event per successful command not refused on follow, plus the send")
                    .isEqualTo(successes - refused + 1);

            String expectedStatus = null;
            for (Map<String, Object> e : events) {
                String type = e.get("payload_type").toString();
                String simpleName = type.substring(type.lastIndexOf('.') + 1);
                assertThat(STATUS_AFTER).as("unexpected event " + type).containsKey(simpleName);
                expectedStatus = STATUS_AFTER.get(simpleName);
            }
            Response view = derm.get("/api/referrals/" + id);
            assertThat(view.json().get("version").asLong()).isEqualTo(n);
            assertThat(view.header(HttpHeaders.ETAG)).isEqualTo("\"" + n + "\"");
            assertThat(view.json().get("status").asString()).isEqualTo(expectedStatus);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The appointments booked for the referral. */
    private List<String> booked(String referralId) {
        return jdbc.queryForList("SELECT DISTINCT aggregate_identifier FROM domain_event_entry "
                + "WHERE payload_type LIKE '%.AppointmentBooked' AND position(convert_to(?, 'UTF8') in payload) > 0",
                String.class, referralId);
    }

    /** Whether the referral followed the booking (a VisitScheduled naming it). */
    private boolean followed(String referralId, String appointmentId) {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ? "
                + "AND payload_type LIKE '%.VisitScheduled' AND position(convert_to(?, 'UTF8') in payload) > 0",
                Integer.class, referralId, appointmentId) > 0;
    }

    private boolean cancelled(String appointmentId) {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ? "
                + "AND payload_type LIKE '%.AppointmentCancelled'", Integer.class, appointmentId) > 0;
    }

    private static Object body(String action) {
        return switch (action) {
            case "decline" -> Map.of("reason", "Outside our scope");
            case "schedule" -> Map.of("start", Instant.now().plus(10, ChronoUnit.DAYS).toString(),
                    "location", "Riverside Dermatology, room 2");
            case "request-information" -> Map.of("question", "Is the lesion itching?");
            default -> null;
        };
    }
}
