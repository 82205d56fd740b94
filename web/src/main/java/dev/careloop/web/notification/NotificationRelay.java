package dev.careloop.web.notification;

import dev.careloop.web.CareLoopApi;
import dev.careloop.web.Person;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ModelAttribute;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.util.HtmlUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Live notifications for the page: relays the person's own {@code /api/notifications/stream} (opened with their
 * token) to the browser as Server-Sent Events. Each notification arrives as event {@code notification} whose data is
 * a small HTML toast (htmx's sse extension swaps it into the header's status region; app.js then tells the badge to
 * reload). The upstream connection is read on a thread of its own and closed as soon as the browser goes.
 */
@RestController
class NotificationRelay {

    private static final Logger log = LoggerFactory.getLogger(NotificationRelay.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The browser reconnects after this; the upstream is closed with it. */
    private static final Duration LIFETIME = Duration.ofMinutes(30);

    private final CareLoopApi api;
    private final ExecutorService relays;

    NotificationRelay(CareLoopApi api) {
        this.api = api;
        AtomicInteger count = new AtomicInteger();
        this.relays = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "notification-relay-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Notifications are for clinic staff; anyone else gets 204, which tells the browser not to reconnect. */
    @GetMapping(path = "/notifications/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    ResponseEntity<SseEmitter> stream(@ModelAttribute(name = "person", binding = false) Person person)
            throws IOException {
        if (person == null || !person.clinicStaff()) {
            return ResponseEntity.noContent().build();
        }
        CareLoopApi.Upstream upstream = api.openStream("/api/notifications/stream");
        SseEmitter emitter = new SseEmitter(LIFETIME.toMillis());
        emitter.onCompletion(upstream::close);
        emitter.onTimeout(upstream::close);
        emitter.onError(e -> upstream.close());
        relays.execute(() -> relay(upstream, emitter));
        return ResponseEntity.ok(emitter);
    }

    private void relay(CareLoopApi.Upstream upstream, SseEmitter emitter) {
        try (upstream; BufferedReader lines = new BufferedReader(new InputStreamReader(upstream.body(),
                StandardCharsets.UTF_8))) {
            String event = null;
            StringBuilder data = new StringBuilder();
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.isEmpty()) {
                    if ("notification".equals(event) && !data.isEmpty()) {
                        emitter.send(SseEmitter.event().name("notification").data(toast(data.toString())));
                    }
                    event = null;
                    data.setLength(0);
                } else if (line.startsWith(":")) {
                    // The API's heartbeat: passing it on finds out whether the browser is still there.
                    emitter.send(SseEmitter.event().comment("heartbeat"));
                } else if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    if (!data.isEmpty()) {
                        data.append('\n');
                    }
                    data.append(line.substring(5).stripLeading());
                }
            }
            emitter.complete();
        } catch (IOException | IllegalStateException gone) {
            // The browser left (or the API went away): the upstream is closed by try-with-resources.
            log.debug("notification relay ended: {}", gone.toString());
            emitter.completeWithError(gone);
        } catch (RuntimeException e) {
            log.warn("notification relay failed", e);
            emitter.completeWithError(e);
        }
    }

    /** One notification as the toast the page shows; every text escaped. */
    static String toast(String json) {
        JsonNode item = JSON.readTree(json);
        String title = HtmlUtils.htmlEscape(item.path("title").asString(""));
        String text = HtmlUtils.htmlEscape(item.path("text").asString(""));
        String referral = item.path("referralId").asString("");
        String link = referral.isBlank() ? "" : " <a href=\"/referrals/" + HtmlUtils.htmlEscape(referral)
                + "\">Open</a>";
        return "<p class=\"toast\"><strong>" + title + "</strong> " + text + link + "</p>";
    }

    @PreDestroy
    void stop() {
        relays.shutdownNow();
    }
}
