package dev.careloop.app;

import dev.careloop.app.CareLoopClient.Response;
import dev.careloop.app.security.PersonLogin;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Notifications over HTTP (issue 16), as the web app calls them with a person's token: the recipient organisation
 * hears of a referral and the sender does not, read marks are per person, another organisation's notification is a
 * 404, the live stream sends what is written after it connected, and the rows live in PostgreSQL, rebuilt from the
 * log with the same ids. One shared database: each test follows its own referrals.
 */
@CareLoopIntegrationTest
class NotificationsApiTest {

    private static final String DERM = "riverside-derm";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ITEM_FIELDS = Set.of("id", "kind", "referralId", "title", "text", "at", "read");

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    private CareLoopClient gp;
    private CareLoopClient cardio;
    private CareLoopClient priya;
    private CareLoopClient ben;

    @BeforeEach
    void clients() {
        gp = CareLoopClient.as(port, "northside-gp-staff");
        cardio = CareLoopClient.as(port, "lakeside-cardio-staff");
        priya = person("priya.shah");
        ben = person("ben.carter");
    }

    @Test
    void theRecipientOrganisationsPeopleAreToldOfAReferralReceivedAndTheSenderIsNot() {
        String referral = send();

        JsonNode item = awaitItem(priya, referral, "referral-received");

        Set<String> fields = new java.util.TreeSet<>();
        item.propertyNames().forEach(fields::add);
        assertThat(fields).isEqualTo(ITEM_FIELDS);
        assertThat(item.get("read").asBoolean()).isFalse();
        assertThat(item.get("title").asString()).isEqualTo("Referral received");
        assertThat(item.get("text").asString()).contains("Dermatology consultation").doesNotContain("Alex Morgan");
        assertThat(UUID.fromString(item.get("id").asString())).isNotNull();
        assertThat(java.time.Instant.parse(item.get("at").asString())).isNotNull();
        assertThat(awaitItem(ben, referral, "referral-received").get("id")).isEqualTo(item.get("id"));
        JsonNode page = priya.get("/api/notifications?unread=false&page=0&size=20").json();
        assertThat(page.get("page").asInt()).isZero();
        assertThat(page.get("size").asInt()).isEqualTo(20);
        assertThat(page.get("total").asLong()).isPositive();
        assertThat(page.get("unread").asLong()).isPositive();
        assertThat(itemsAbout(gp, referral)).isEmpty();
        assertThat(itemsAbout(cardio, referral)).isEmpty();
    }

    @Test
    void whoAssignsAReferralIsNotToldAndOnlyThePersonItIsAssignedToIs() {
        String referral = send();
        awaitItem(ben, referral, "referral-received");

        assertThat(ben.post("/api/referrals/" + referral + "/assignment",
                Map.of("assignee", "ben.carter", "assigneeName", "Ben Carter")).status()).isEqualTo(200);
        assertThat(ben.post("/api/referrals/" + referral + "/assignment",
                Map.of("assignee", "priya.shah", "assigneeName", "Dr Priya Shah")).status()).isEqualTo(200);

        awaitItem(priya, referral, "assigned");
        assertThat(itemsAbout(ben, referral)).extracting(n -> n.get("kind").asString())
                .containsExactly("referral-received");
    }

    @Test
    void readIsPerPersonAndReadAllLeavesTheCallerNothingUnread() {
        String referral = send();
        String id = awaitItem(priya, referral, "referral-received").get("id").asString();
        awaitItem(ben, referral, "referral-received");
        long unreadBefore = priya.get("/api/notifications/count").json().get("unread").asLong();

        Response read = priya.post("/api/notifications/" + id + "/read", null);

        assertThat(read.status()).as(read.body()).isEqualTo(204);
        assertThat(priya.get("/api/notifications/count").json().get("unread").asLong()).isEqualTo(unreadBefore - 1);
        assertThat(awaitItem(priya, referral, "referral-received").get("read").asBoolean()).isTrue();
        assertThat(awaitItem(ben, referral, "referral-received").get("read").asBoolean()).isFalse();
        assertThat(itemsIn(priya.get("/api/notifications?unread=true&size=100").json(), referral)).isEmpty();

        assertThat(ben.post("/api/notifications/read-all", null).status()).isEqualTo(204);
        assertThat(ben.get("/api/notifications/count").json().get("unread").asLong()).isZero();
        assertThat(awaitItem(ben, referral, "referral-received").get("read").asBoolean()).isTrue();
    }

    @Test
    void aPageOutsideTheLimitsIsABadRequestProblem() {
        for (String query : List.of("size=0", "size=101", "page=-1", "unread=maybe")) {
            Response refused = priya.get("/api/notifications?" + query);
            assertThat(refused.status()).as(query).isEqualTo(400);
            assertThat(refused.header("Content-Type")).as(query).startsWith("application/problem+json");
        }
    }

    @Test
    void anotherOrganisationsNotificationIsNotFound() {
        String referral = send();
        String id = awaitItem(priya, referral, "referral-received").get("id").asString();

        Response foreign = cardio.post("/api/notifications/" + id + "/read", null);
        Response unknown = priya.post("/api/notifications/" + UUID.randomUUID() + "/read", null);

        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.header("Content-Type")).startsWith("application/problem+json");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(awaitItem(priya, referral, "referral-received").get("read").asBoolean()).isFalse();
    }

    @Test
    void theStreamSendsANotificationWrittenAfterItConnected() throws Exception {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpResponse<InputStream> stream = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/api/notifications/stream"))
                .header("Authorization", "Bearer " + priya.token()).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (java.io.IOException closed) {
                // The test closed the stream.
            }
        }, "notification-stream-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            String referral = send();

            JsonNode item = null;
            String event = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (item == null && System.nanoTime() < deadline) {
                String line = lines.poll(200, TimeUnit.MILLISECONDS);
                if (line == null) {
                    continue;
                }
                if (line.startsWith("event:")) {
                    event = line.substring("event:".length()).strip();
                } else if (line.startsWith("data:") && "notification".equals(event)) {
                    JsonNode data = JSON.readTree(line.substring("data:".length()));
                    if (referral.equals(data.get("referralId").asString())) {
                        item = data;
                    }
                }
            }
            assertThat(item).as("the notification of " + referral + " on the stream within 10 s").isNotNull();
            assertThat(item.get("kind").asString()).isEqualTo("referral-received");
            assertThat(item.get("read").asBoolean()).isFalse();
        } finally {
            stream.body().close();
            reader.interrupt();
        }
    }

    @Test
    void notificationsAreRowsInPostgresqlThatARebuildOfTheGroupRestoresWithTheirIdsAndReadMarks() {
        String referral = send();
        String id = awaitItem(priya, referral, "referral-received").get("id").asString();
        assertThat(priya.post("/api/notifications/" + id + "/read", null).status()).isEqualTo(204);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM notification WHERE referral_id = ?", Integer.class,
                referral)).isEqualTo(1);

        // Lost rows (a restored backup, a dropped table): the log has them all.
        jdbc.update("DELETE FROM notification WHERE referral_id = ?", referral);
        assertThat(itemsAbout(priya, referral)).isEmpty();
        CareLoopClient admin = CareLoopClient.as(port, "careloop-admin");
        Response started = admin.post("/api/admin/rebuilds", Map.of("groups", List.of("notifications")));
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        Await.until(Duration.ofSeconds(90), () -> Set.of("switched", "failed")
                .contains(admin.get(started.header("Location")).json().get("state").asString()), "the rebuild");
        assertThat(admin.get(started.header("Location")).json().get("state").asString()).isEqualTo("switched");

        JsonNode restored = awaitItem(priya, referral, "referral-received");
        assertThat(restored.get("id").asString()).isEqualTo(id);
        assertThat(restored.get("read").asBoolean()).isTrue();
    }

    private CareLoopClient person(String username) {
        return CareLoopClient.withToken(port, new PersonLogin(port).logIn(username).get("access_token").asString());
    }

    private String send() {
        Response sent = gp.post("/api/referrals", CareLoopClient.referralTo(DERM, "MRN-N-" + UUID.randomUUID()));
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        return sent.json().get("referralId").asString();
    }

    /** The caller's notification of this kind about this referral, once the projection wrote it. */
    private static JsonNode awaitItem(CareLoopClient client, String referral, String kind) {
        JsonNode[] found = new JsonNode[1];
        Await.until(Duration.ofSeconds(10), () -> {
            for (JsonNode item : itemsAbout(client, referral)) {
                if (kind.equals(item.get("kind").asString())) {
                    found[0] = item;
                    return true;
                }
            }
            return false;
        }, kind + " of " + referral);
        return found[0];
    }

    private static List<JsonNode> itemsAbout(CareLoopClient client, String referral) {
        Response page = client.get("/api/notifications?size=100");
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        return itemsIn(page.json(), referral);
    }

    private static List<JsonNode> itemsIn(JsonNode page, String referral) {
        List<JsonNode> items = new java.util.ArrayList<>();
        page.get("items").forEach(item -> {
            if (referral.equals(item.get("referralId").asString())) {
                items.add(item);
            }
        });
        return items;
    }
}
