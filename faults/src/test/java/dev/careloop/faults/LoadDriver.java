package dev.careloop.faults;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Client threads doing what clinics do: send a referral, the recipient accepts it, and every third one gets an
 * interim note. Each write carries an Idempotency-Key and, as X-Request-Id, the same key (so the log names the
 * request that wrote each event). A good client retries with the same key after a 5xx (waiting its Retry-After),
 * after a connection failure, and with a fresh token after a 401; it gives up only at the give-up deadline.
 * Every acknowledged write (2xx: referral id and version) and every answer is recorded.
 */
final class LoadDriver {

    /** One acknowledged write: the request's key, what it was, the referral and the version it answered. */
    record Ack(String key, String kind, String referralId, long version) {
    }

    /** An answer that no client should get, kept for the report. */
    record BadAnswer(String request, int status, String contentType, String retryAfter, String body) {
    }

    /** Client i talks to {@code apis.get(i % apis.size())}: one Api per node when the load is spread. */
    private final List<Api> apis;
    private final int clients;
    private final String runId = UUID.randomUUID().toString().substring(0, 8);
    private final AtomicLong sequence = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;
    private volatile long giveUpAt = Long.MAX_VALUE;

    final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
    /** Keys of every write attempted (acknowledged or not). */
    final ConcurrentLinkedQueue<String> keys = new ConcurrentLinkedQueue<>();
    final Map<String, LongAdder> answers = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<BadAnswer> badAnswers = new ConcurrentLinkedQueue<>();
    final LongAdder requests = new LongAdder();
    final LongAdder noAnswer = new LongAdder();
    final LongAdder gaveUp = new LongAdder();
    /** 503s that were not problem+json with a Retry-After. */
    final LongAdder badOutageAnswers = new LongAdder();
    /** When each write was acknowledged (System.nanoTime), for recovery times. */
    final ConcurrentLinkedQueue<Long> ackNanos = new ConcurrentLinkedQueue<>();

    LoadDriver(Api api, int clients) {
        this(List.of(api), clients);
    }

    LoadDriver(List<Api> apis, int clients) {
        this.apis = List.copyOf(apis);
        this.clients = clients;
    }

    void start() {
        running = true;
        for (int i = 0; i < clients; i++) {
            Api api = apis.get(i % apis.size());
            Thread thread = new Thread(() -> work(api), "load-" + runId + "-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /** No new work; what is in flight keeps retrying until {@code giveUpAfter} from now, then stops. */
    void stop(Duration giveUpAfter) throws InterruptedException {
        giveUpAt = System.nanoTime() + giveUpAfter.toNanos();
        running = false;
        for (Thread thread : threads) {
            thread.join(giveUpAfter.toMillis() + 60_000);
        }
    }

    private void work(Api api) {
        while (running) {
            String key = "fault-" + runId + "-" + sequence.incrementAndGet();
            try {
                Api.Reply sent = write(api, Api.GP, "POST", "/api/referrals", referralBody(key), key + "-send", null);
                if (sent == null || sent.status() != 201) {
                    continue;
                }
                String id = sent.json().path("referralId").asText();
                acks.add(new Ack(key + "-send", "send", id, sent.version()));
                if (!running) {
                    return;
                }
                Api.Reply accepted = write(api, Api.DERM, "POST", "/api/referrals/" + id + "/accept", null,
                        key + "-accept", "\"1\"");
                if (accepted == null || accepted.status() != 200) {
                    continue;
                }
                acks.add(new Ack(key + "-accept", "accept", id, accepted.version()));
                if (!running || sequence.get() % 3 != 0) {
                    continue;
                }
                Api.Reply noted = write(api, Api.DERM, "POST", "/api/referrals/" + id + "/interim-note",
                        "{\"note\":\"Seen in clinic, biopsy booked (" + key + ")\"}", key + "-note",
                        "\"" + accepted.version() + "\"");
                if (noted != null && noted.status() == 200) {
                    acks.add(new Ack(key + "-note", "interim-note", id, noted.version()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * One write, retried as a good client retries, with the same key each time. Returns the final answer (2xx or
     * a refusal that a retry cannot change), or null when it gave up.
     */
    private Api.Reply write(Api api, String client, String method, String path, String json, String key,
                            String ifMatch) throws InterruptedException {
        keys.add(key);
        Map<String, String> headers = new TreeMap<>();
        headers.put("Idempotency-Key", key);
        headers.put("X-Request-Id", key);
        if (ifMatch != null) {
            headers.put("If-Match", ifMatch);
        }
        long unanswered = 0;
        while (System.nanoTime() < giveUpAt) {
            Api.Reply reply;
            try {
                requests.increment();
                reply = api.send(client, method, path, json, headers);
            } catch (IOException e) {
                noAnswer.increment();
                count("no answer");
                // Nothing listening (a restart): back off from 250 ms to 2 s, as a client library does.
                pause(Duration.ofMillis(Math.min(2_000, 250L << Math.min(3, unanswered++))));
                continue;
            }
            int status = reply.status();
            count(Integer.toString(status));
            if (status >= 200 && status < 300) {
                ackNanos.add(System.nanoTime());
                return reply;
            }
            if (status == 401) {
                continue;
            }
            if (status == 503 || status == 429) {
                String type = reply.header("Content-Type");
                String retryAfter = reply.header("Retry-After");
                if (status == 503 && (type == null || !type.startsWith("application/problem+json")
                        || retryAfter == null)) {
                    badOutageAnswers.increment();
                    keep(new BadAnswer(method + " " + path, status, type, retryAfter, reply.body()));
                }
                pause(Duration.ofSeconds(Math.min(5, retryAfter(retryAfter))));
                continue;
            }
            if (status >= 500) {
                keep(new BadAnswer(method + " " + path, status, reply.header("Content-Type"),
                        reply.header("Retry-After"), reply.body()));
                pause(Duration.ofSeconds(1));
                continue;
            }
            return reply;
        }
        gaveUp.increment();
        return null;
    }

    /** When the first write acknowledged after {@code since} was acknowledged, or 0 when none was yet. */
    long firstAckAfter(long since) {
        return ackNanos.stream().filter(t -> t - since >= 0).min(Long::compare).orElse(0L);
    }

    private void keep(BadAnswer answer) {
        if (badAnswers.size() < 20) {
            badAnswers.add(answer);
        }
    }

    private void count(String answer) {
        answers.computeIfAbsent(answer, a -> new LongAdder()).increment();
    }

    long answered(String answer) {
        LongAdder adder = answers.get(answer);
        return adder == null ? 0 : adder.sum();
    }

    long serverErrorsOtherThan503() {
        return answers.entrySet().stream()
                .filter(e -> e.getKey().matches("5\\d\\d") && !e.getKey().equals("503"))
                .mapToLong(e -> e.getValue().sum()).sum();
    }

    Map<String, Long> answerCounts() {
        Map<String, Long> counts = new TreeMap<>();
        answers.forEach((answer, adder) -> counts.put(answer, adder.sum()));
        return counts;
    }

    private static long retryAfter(String header) {
        try {
            return header == null ? 1 : Math.max(1, Long.parseLong(header.trim()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static void pause(Duration base) throws InterruptedException {
        Thread.sleep(base.toMillis() / 2 + ThreadLocalRandom.current().nextLong(base.toMillis() / 2 + 1));
    }

    private static String referralBody(String key) {
        return "{\"recipientOrganisation\":\"riverside-derm\",\"priority\":\"routine\","
                + "\"service\":\"Dermatology consultation\",\"reason\":\"Changing pigmented lesion (" + key + ")\","
                + "\"patient\":{\"identifierSystem\":\"https://northside-gp.example/mrn\","
                + "\"identifierValue\":\"" + key + "\",\"name\":\"Alex Example\",\"birthDate\":\"1980-04-02\"}}";
    }

    int clientCount() {
        return clients;
    }
}
