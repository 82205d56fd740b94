package dev.careloop.query.notification;

import dev.careloop.api.Actor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The live notification streams of this node. One poller reads the rows written since it last looked, whichever node
 * projected them (the table is the only channel), and sends each to the open streams that may see it; one heartbeat
 * keeps idle streams (and the proxies on their way) open. No thread per stream: a stream is an emitter in a map,
 * gone when its client disconnects, it times out or a send fails.
 */
@Component
class NotificationStream implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(NotificationStream.class);
    /** Rows read per query; the poller reads again at once while there are more. */
    private static final int BATCH = 500;
    /**
     * A row whose event is older than its stream by more than this is not news to it: a rebuild of the group writes
     * every row again (under new positions).
     */
    private static final Duration NEWS = Duration.ofMinutes(5);
    /** The ids most recently sent, so that rows written again by a rebuild are not sent twice. */
    private static final int REMEMBERED = 10_000;

    private record Listener(Actor actor, Instant since) {
    }

    private final NotificationReadModel readModel;
    private final Duration pollInterval;
    private final Duration heartbeatInterval;
    private final Duration timeout;
    private final Map<SseEmitter, Listener> listeners = new ConcurrentHashMap<>();
    private final Map<String, Boolean> sent = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    };
    private volatile NotificationReadModel.Position position;
    private ScheduledExecutorService timer;

    NotificationStream(NotificationReadModel readModel,
                       @Value("${careloop.notifications.stream.poll-interval:PT1S}") Duration pollInterval,
                       @Value("${careloop.notifications.stream.heartbeat-interval:PT15S}") Duration heartbeatInterval,
                       @Value("${careloop.notifications.stream.timeout:PT30M}") Duration timeout) {
        this.readModel = readModel;
        this.pollInterval = pollInterval;
        this.heartbeatInterval = heartbeatInterval;
        this.timeout = timeout;
    }

    /** A stream of the notifications written from now on that {@code actor} sees. */
    SseEmitter open(Actor actor) {
        SseEmitter emitter = new SseEmitter(timeout.toMillis());
        synchronized (this) {
            if (position == null) {
                // Nobody was listening, so the poller stood still: it starts from what is written now.
                position = readModel.head();
            }
            listeners.put(emitter, new Listener(actor, Instant.now()));
        }
        emitter.onCompletion(() -> listeners.remove(emitter));
        emitter.onTimeout(() -> {
            listeners.remove(emitter);
            emitter.complete();
        });
        emitter.onError(e -> listeners.remove(emitter));
        // The response starts at once, so the client knows it is connected before anything happens.
        send(emitter, SseEmitter.event().comment("connected"));
        return emitter;
    }

    int open() {
        return listeners.size();
    }

    void poll() {
        try {
            NotificationReadModel.Position from;
            synchronized (this) {
                if (listeners.isEmpty()) {
                    position = null;
                    return;
                }
                from = position;
            }
            List<NotificationReadModel.Written> rows;
            do {
                rows = readModel.after(from, BATCH);
                for (NotificationReadModel.Written row : rows) {
                    deliver(row);
                    from = row.position();
                }
                synchronized (this) {
                    if (position != null) {
                        position = from;
                    }
                }
            } while (rows.size() == BATCH);
        } catch (RuntimeException e) {
            log.warn("Notification stream: reading new notifications failed, trying again: {}", e.toString());
        }
    }

    private void deliver(NotificationReadModel.Written row) {
        if (!remember(row.item().id())) {
            return;
        }
        listeners.forEach((emitter, listener) -> {
            if (row.visibleTo(listener.actor()) && !row.item().at().isBefore(listener.since().minus(NEWS))) {
                send(emitter, SseEmitter.event().name("notification").id(row.item().id())
                        .data(row.item(), MediaType.APPLICATION_JSON));
            }
        });
    }

    private boolean remember(String id) {
        return sent.put(id, Boolean.TRUE) == null;
    }

    void heartbeat() {
        listeners.keySet().forEach(emitter -> send(emitter, SseEmitter.event().comment("heartbeat")));
    }

    private void send(SseEmitter emitter, SseEmitter.SseEventBuilder event) {
        try {
            emitter.send(event);
        } catch (IOException | IllegalStateException e) {
            // The client went away (or the stream was already complete): forget it.
            listeners.remove(emitter);
            emitter.completeWithError(e);
        }
    }

    @Override
    public synchronized void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "notification-stream");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::poll, pollInterval.toMillis(), pollInterval.toMillis(),
                TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::heartbeat, heartbeatInterval.toMillis(), heartbeatInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Before the web server's graceful shutdown, which would otherwise wait for every open stream. */
    @Override
    public synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
        listeners.keySet().forEach(SseEmitter::complete);
        listeners.clear();
    }

    @Override
    public synchronized boolean isRunning() {
        return timer != null;
    }
}
