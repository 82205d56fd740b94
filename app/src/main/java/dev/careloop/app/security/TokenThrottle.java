package dev.careloop.app.security;

import dev.careloop.app.web.EdgeAnswers;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Throttles the local issuer's client-authenticating endpoints ({@code /oauth2/token}, {@code /oauth2/introspect},
 * {@code /oauth2/revoke}) per client id and per remote address, in windows of a minute: past
 * careloop.security.token-throttle.failures-per-minute refused attempts (400/401) of a client id or from an address,
 * or careloop.security.token-throttle.successes-per-minute tokens of one client id, every request of that client or
 * address is answered 429 (problem+json, Retry-After) until its window ends. The persons' login form
 * ({@code POST /login}) is throttled the same way, per username and per address: a wrong password counts as a
 * refused attempt, and once spent even the right password waits. Per process; the counts live in memory.
 */
final class TokenThrottle {

    static final Set<String> PATHS = Set.of("/oauth2/token", "/oauth2/introspect", "/oauth2/revoke");
    /** The login form's POST (form login). */
    static final String LOGIN = "/login";
    static final Duration WINDOW = Duration.ofMinutes(1);
    /** Enough windows for every client and address in use at once; past it the memory starts over. */
    private static final int MAX_WINDOWS = 50_000;

    private final int failuresPerWindow;
    private final int successesPerWindow;
    private final Clock clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    TokenThrottle(int failuresPerWindow, int successesPerWindow, Clock clock) {
        this.failuresPerWindow = failuresPerWindow;
        this.successesPerWindow = successesPerWindow;
        this.clock = clock;
    }

    /** One client's or address's counts since {@code start}. */
    private record Window(Instant start, AtomicInteger failures, AtomicInteger successes) {
    }

    /** How long the caller must wait, or null when it may try now. */
    Duration refusal(String clientId, String address) {
        Instant now = clock.instant();
        Duration wait = null;
        for (String key : keys(clientId, address)) {
            Window w = windows.get(key);
            if (w == null || !now.isBefore(w.start.plus(WINDOW))) {
                continue;
            }
            boolean spent = w.failures.get() >= failuresPerWindow
                    || (key.startsWith("client:") && w.successes.get() >= successesPerWindow);
            if (spent) {
                Duration left = Duration.between(now, w.start.plus(WINDOW));
                wait = wait == null || left.compareTo(wait) > 0 ? left : wait;
            }
        }
        return wait;
    }

    void failed(String clientId, String address) {
        for (String key : keys(clientId, address)) {
            window(key).failures.incrementAndGet();
        }
    }

    void succeeded(String clientId) {
        if (clientId != null) {
            window("client:" + clientId).successes.incrementAndGet();
        }
    }

    /** Every count starts over (as after a restart). */
    void forget() {
        windows.clear();
    }

    private Window window(String key) {
        Instant now = clock.instant();
        if (windows.size() >= MAX_WINDOWS) {
            windows.values().removeIf(w -> !now.isBefore(w.start.plus(WINDOW)));
            if (windows.size() >= MAX_WINDOWS) {
                windows.clear();
            }
        }
        return windows.compute(key, (k, w) -> w == null || !now.isBefore(w.start.plus(WINDOW))
                ? new Window(now, new AtomicInteger(), new AtomicInteger()) : w);
    }

    private static Set<String> keys(String clientId, String address) {
        return clientId == null ? Set.of("address:" + address)
                : Set.of("client:" + clientId, "address:" + address);
    }

    /** The filter in front of the endpoints. */
    OncePerRequestFilter filter() {
        return new OncePerRequestFilter() {
            @Override
            protected boolean shouldNotFilter(HttpServletRequest request) {
                String path = request.getRequestURI().substring(request.getContextPath().length());
                return !PATHS.contains(path) && !isLogin(request);
            }

            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
                                            FilterChain chain) throws ServletException, IOException {
                boolean login = isLogin(request);
                String clientId = login ? person(request) : clientId(request);
                String address = request.getRemoteAddr();
                Duration wait = refusal(clientId, address);
                if (wait != null) {
                    tooMany(response, wait, login);
                    return;
                }
                chain.doFilter(request, response);
                int status = response.getStatus();
                if (login ? loginRefused(response) : status == 400 || status == 401) {
                    failed(clientId, address);
                } else if (status < 300) {
                    succeeded(clientId);
                }
            }
        };
    }

    /** The client id of HTTP Basic (RFC 6749 2.3.1: form-encoded) or of the client_id parameter; null if none. */
    static String clientId(HttpServletRequest request) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        String id = null;
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String pair = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                        StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                id = URLDecoder.decode(colon < 0 ? pair : pair.substring(0, colon), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                id = null;
            }
        }
        if (id == null) {
            id = request.getParameter("client_id");
        }
        // A key, not a name: an over-long one is counted by its start.
        return id == null || id.isEmpty() ? null : id.length() > 200 ? id.substring(0, 200) : id;
    }

    private static boolean isLogin(HttpServletRequest request) {
        return "POST".equals(request.getMethod())
                && LOGIN.equals(request.getRequestURI().substring(request.getContextPath().length()));
    }

    /** The login form's username, counted apart from client ids; null if none. */
    static String person(HttpServletRequest request) {
        String username = request.getParameter("username");
        return username == null || username.isEmpty() ? null
                : "person:" + (username.length() > 200 ? username.substring(0, 200) : username);
    }

    /** Form login answers a refused password with a redirect back to the form ({@code /login?error}). */
    private static boolean loginRefused(HttpServletResponse response) {
        String location = response.getHeader(HttpHeaders.LOCATION);
        return response.getStatus() == 401 || response.getStatus() == 400
                || (location != null && location.contains("/login?error"));
    }

    private static void tooMany(HttpServletResponse response, Duration wait, boolean login) throws IOException {
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        EdgeAnswers.write(response, login ? LOGIN : "/oauth2", HttpStatus.TOO_MANY_REQUESTS.value(),
                "too many attempts to " + (login ? "log in as this person" : "authenticate this client")
                        + " or from this address; try again in " + seconds + " seconds", List.of());
    }
}
