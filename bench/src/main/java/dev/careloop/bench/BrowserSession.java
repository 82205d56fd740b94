package dev.careloop.bench;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A person signed in to the web app as a browser is: the sign-in start, the issuer's login form (username, password
 * and its CSRF field), the authorization-code redirects back, with the cookies kept. Redirects are followed here, one
 * by one, so that a POST's 302 becomes a GET as in a browser and every hop's cookies are stored.
 */
final class BrowserSession {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_REDIRECTS = 10;
    // Spring Security's login form and every Thymeleaf form carry the token as this hidden field.
    private static final Pattern CSRF = Pattern.compile(
            "<input[^>]*name=\"_csrf\"[^>]*value=\"([^\"]+)\"|<input[^>]*value=\"([^\"]+)\"[^>]*name=\"_csrf\"");

    private final HttpClient http;
    private final URI base;
    private volatile String csrf;

    private BrowserSession(URI base) {
        this.base = base;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** A page as the browser ends up with it: the last answer's status, its address and its body. */
    record Page(int status, URI uri, String body) {
    }

    /**
     * Signs {@code username} in through {@code signInPath} (the web app's start of a login). Answers the session once
     * it has landed on a page of the web app that is not the login form again.
     */
    static BrowserSession signIn(URI base, String signInPath, String username, String password)
            throws IOException, InterruptedException {
        BrowserSession session = new BrowserSession(base);
        Page form = session.follow(HttpRequest.newBuilder(base.resolve(signInPath)).GET());
        String csrf = csrfField(form.body());
        if (form.status() != 200 || csrf == null || !form.uri().getPath().endsWith("/login")) {
            throw new IllegalStateException("GET " + signInPath + " did not lead to the issuer's login form: "
                    + form.status() + " at " + form.uri());
        }
        Page landed = session.follow(HttpRequest.newBuilder(form.uri())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(formBody(Map.of(
                        "username", List.of(username), "password", List.of(password), "_csrf", List.of(csrf))))));
        if (landed.status() != 200 || landed.uri().getPath().endsWith("/login")) {
            throw new IllegalStateException("signing in as " + username + " ended with " + landed.status() + " at "
                    + landed.uri() + " (wrong password, or the issuer refused the client?)");
        }
        return session;
    }

    /** GET a page; {@code htmx} adds the header htmx sends, for a fragment instead of the whole page. */
    Page get(String pathAndQuery, boolean htmx) throws IOException, InterruptedException {
        return follow(headers(HttpRequest.newBuilder(base.resolve(pathAndQuery)), htmx).GET());
    }

    /** POST a form as the page does: its fields in order, a field named more than once sent once per value. */
    Page post(String path, Map<String, List<String>> fields, boolean htmx) throws IOException, InterruptedException {
        return follow(headers(HttpRequest.newBuilder(base.resolve(path)), htmx)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(formBody(fields))));
    }

    /** The CSRF token of the last page that carried one (what the page's own forms would post). */
    String csrf() {
        if (csrf == null) {
            throw new IllegalStateException("no page with a CSRF field has been loaded in this session");
        }
        return csrf;
    }

    /** The value of the first {@code _csrf} field in {@code html}, or null. */
    static String csrfField(String html) {
        Matcher m = CSRF.matcher(html);
        if (!m.find()) {
            return null;
        }
        return m.group(1) != null ? m.group(1) : m.group(2);
    }

    static String formBody(Map<String, List<String>> fields) {
        return fields.entrySet().stream().flatMap(e -> e.getValue().stream()
                        .map(v -> encode(e.getKey()) + "=" + encode(v)))
                .collect(Collectors.joining("&"));
    }

    private static HttpRequest.Builder headers(HttpRequest.Builder request, boolean htmx) {
        request.header("Accept", "text/html");
        return htmx ? request.header("HX-Request", "true") : request;
    }

    private Page follow(HttpRequest.Builder first) throws IOException, InterruptedException {
        HttpRequest request = first.timeout(TIMEOUT).build();
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(
                    StandardCharsets.UTF_8));
            int status = response.statusCode();
            String location = response.headers().firstValue("Location").orElse(null);
            if (status < 300 || status >= 400 || location == null) {
                String field = status == 200 ? csrfField(response.body()) : null;
                if (field != null) {
                    csrf = field;
                }
                return new Page(status, request.uri(), response.body());
            }
            // As a browser: 301/302/303 after a POST continue as a GET without a body.
            request = HttpRequest.newBuilder(request.uri().resolve(location)).header("Accept", "text/html")
                    .timeout(TIMEOUT).GET().build();
        }
        throw new IllegalStateException("more than " + MAX_REDIRECTS + " redirects from " + first.build().uri());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
