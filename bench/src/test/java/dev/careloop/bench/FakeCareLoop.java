package dev.careloop.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * CareLoop's REST contract as far as the benchmark uses it, strict about what the real one checks:
 * the demo clients' credentials, who may do what, If-Match against the current version, the bodies.
 */
final class FakeCareLoop implements AutoCloseable {

    static {
        // The JDK server otherwise waits on delayed ACKs (Nagle) and every call takes 40 ms.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final Map<String, Integer> versions = new ConcurrentHashMap<>();
    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    private final HttpServer server;
    private volatile boolean refuseScheduling;
    private volatile boolean floorOff;
    private final AtomicLong floorRows = new AtomicLong();

    FakeCareLoop() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(executor);
        server.createContext("/actuator/health", ex -> reply(ex, 200, "{\"status\":\"UP\"}", null));
        // As the app: the metrics only for the monitoring client's token.
        server.createContext("/actuator/prometheus", ex -> {
            if (!"Bearer token-of-careloop-metrics".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                reply(ex, 401, "{\"detail\":\"a valid bearer token is required\"}", null);
                return;
            }
            reply(ex, 200, "jvm_info{runtime=\"OpenJDK\",vendor=\"Fake\",version=\"21\"} 1\n", null);
        });
        server.createContext("/oauth2/token", this::token);
        server.createContext("/api/referrals", this::referrals);
        server.createContext("/api/bench/floor", this::floor);
        server.start();
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    void refuseScheduling() {
        refuseScheduling = true;
    }

    /** As the app started without CARELOOP_BENCH_FLOOR=true: the route is one CareLoop does not have. */
    void floorOff() {
        floorOff = true;
    }

    long floorRows() {
        return floorRows.get();
    }

    /** As the app's floor: the sender's token and a referral's body, answered 201 with the new row's id. */
    private void floor(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (floorOff) {
            reply(ex, 403, "{\"detail\":\"no route of CareLoop matches this method and path\"}", null);
        } else if (!ex.getRequestMethod().equals("POST")
                || !"Bearer token-of-northside-gp-staff".equals(ex.getRequestHeaders().getFirst("Authorization"))
                || !body.contains("\"recipientOrganisation\":\"riverside-derm\"")) {
            reply(ex, 400, "{\"detail\":\"not a floor call\"}", null);
        } else {
            reply(ex, 201, "{\"id\":" + floorRows.incrementAndGet() + "}", null);
        }
    }

    private void token(HttpExchange ex) throws IOException {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String credentials = auth == null ? "" : new String(Base64.getDecoder().decode(auth.substring("Basic ".length())));
        if (!body.equals("grant_type=client_credentials") || !credentials.endsWith(":demo-secret")) {
            reply(ex, 401, "{\"error\":\"invalid_client\"}", null);
            return;
        }
        reply(ex, 200, "{\"access_token\":\"token-of-" + credentials.split(":")[0] + "\"}", null);
    }

    private void referrals(HttpExchange ex) throws IOException {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String[] path = ex.getRequestURI().getPath().split("/"); // "", api, referrals, id, action
        if (path.length == 3 && ex.getRequestMethod().equals("POST")) {
            if (!"Bearer token-of-northside-gp-staff".equals(auth) || !body.contains("\"identifierValue\":\"MRN-")
                    || !body.contains("\"recipientOrganisation\":\"riverside-derm\"")) {
                reply(ex, 400, "{\"detail\":\"not a referral from northside-gp\"}", null);
                return;
            }
            String id = UUID.randomUUID().toString();
            versions.put(id, 1);
            reply(ex, 201, "{\"referralId\":\"" + id + "\",\"status\":\"received\"}", "\"1\"");
            return;
        }
        Integer version = path.length >= 4 ? versions.get(path[3]) : null;
        if (version == null) {
            reply(ex, 404, "{\"detail\":\"no such referral\"}", null);
            return;
        }
        if (path.length == 4 && ex.getRequestMethod().equals("GET")) {
            reply(ex, 200, "{\"referralId\":\"" + path[3] + "\"}", "\"" + version + "\"");
            return;
        }
        if (!"Bearer token-of-riverside-derm-staff".equals(auth)) {
            reply(ex, 404, "{\"detail\":\"no such referral\"}", null);
            return;
        }
        if (!("\"" + version + "\"").equals(ex.getRequestHeaders().getFirst("If-Match"))) {
            reply(ex, 409, "{\"detail\":\"the referral has changed\"}", null);
            return;
        }
        String action = path[4];
        if (action.equals("accept") && version == 1 && body.isEmpty()) {
            versions.put(path[3], 2);
            reply(ex, 200, "{}", "\"2\"");
        } else if (action.equals("schedule") && version == 2 && !refuseScheduling
                && body.matches("\\{\"start\":\"[^\"]+Z\",\"end\":\"[^\"]+Z\",\"location\":\"Room 4\"}")) {
            versions.put(path[3], 3);
            reply(ex, 200, "{}", "\"3\"");
        } else {
            reply(ex, 409, "{\"detail\":\"an accepted referral cannot be scheduled here\"}", null);
        }
    }

    private static void reply(HttpExchange ex, int status, String body, String etag) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (etag != null) {
            ex.getResponseHeaders().add("ETag", etag);
        }
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
