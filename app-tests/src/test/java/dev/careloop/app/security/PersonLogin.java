package dev.careloop.app.security;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser, as far as the local issuer can tell: the JDK's HTTP client with a cookie jar, following no redirects,
 * walking the authorization code flow with PKCE (RFC 7636) step by step so that tests can assert each answer.
 */
public final class PersonLogin {

    static final String PASSWORD = "careloop-demo";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    final String base;
    final String redirectUri;
    final String verifier;
    final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER).build();

    public PersonLogin(int port) {
        // The issuer refuses "localhost" in redirect URIs; a loopback address may use any port.
        this.base = "http://127.0.0.1:" + port;
        this.redirectUri = base + "/login/oauth2/code/careloop";
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    static String challenge(String verifier) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** GET /oauth2/authorize for careloop-web; {@code pkce}: whether to send the S256 code challenge. */
    HttpResponse<String> authorize(boolean pkce) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", LocalIssuer.WEB_CLIENT);
        query.put("scope", "openid profile");
        query.put("redirect_uri", redirectUri);
        query.put("state", "state-1");
        if (pkce) {
            query.put("code_challenge", challenge(verifier));
            query.put("code_challenge_method", "S256");
        }
        return get(base + "/oauth2/authorize?" + form(query));
    }

    /** The login form's CSRF token (GET /login). */
    String csrfToken() {
        HttpResponse<String> page = get(base + "/login");
        Matcher m = CSRF.matcher(page.body());
        if (page.statusCode() != 200 || !m.find()) {
            throw new AssertionError("no login form with a CSRF token: " + page.statusCode() + " " + page.body());
        }
        return m.group(1);
    }

    HttpResponse<String> login(String username, String password) {
        return post(base + "/login", form(Map.of("username", username, "password", password,
                "_csrf", csrfToken())));
    }

    HttpResponse<String> token(String code, String codeVerifier) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("grant_type", "authorization_code");
        body.put("code", code);
        body.put("redirect_uri", redirectUri);
        body.put("client_id", LocalIssuer.WEB_CLIENT);
        if (codeVerifier != null) {
            body.put("code_verifier", codeVerifier);
        }
        return post(base + "/oauth2/token", form(body));
    }

    /** The token request of the web app as a confidential client: the client authenticated with HTTP Basic. */
    HttpResponse<String> tokenWithSecret(Map<String, String> body, String secret) {
        String basic = Base64.getEncoder().encodeToString((LocalIssuer.WEB_CLIENT + ":" + secret)
                .getBytes(StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString(form(body))).build());
    }

    /** Login form and consent-free redirect for one person: the authorization code the issuer sends back. */
    String code(String username) {
        String afterLogin = location(authorize(true));
        if (!afterLogin.endsWith("/login")) {
            throw new AssertionError("expected the login form, was sent to " + afterLogin);
        }
        String back = location(login(username, PASSWORD));
        String withCode = location(get(back.startsWith("http") ? back : base + back));
        return parameter(withCode, "code");
    }

    /** The whole flow for one person: their access token response (access_token, id_token). */
    public JsonNode logIn(String username) {
        HttpResponse<String> token = token(code(username), verifier);
        if (token.statusCode() != 200) {
            throw new AssertionError("token exchange: " + token.statusCode() + " " + token.body());
        }
        return JSON.readTree(token.body());
    }

    HttpResponse<String> get(String uri) {
        return send(HttpRequest.newBuilder(URI.create(uri)).header("Accept", "text/html").GET().build());
    }

    HttpResponse<String> post(String uri, String form) {
        return send(HttpRequest.newBuilder(URI.create(uri))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String location(HttpResponse<?> response) {
        return response.headers().firstValue("Location").orElseThrow(() -> new AssertionError(
                "no redirect: " + response.statusCode() + " " + response.body()));
    }

    static String parameter(String uri, String name) {
        String query = URI.create(uri).getRawQuery();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    static String form(Map<String, String> values) {
        return values.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
