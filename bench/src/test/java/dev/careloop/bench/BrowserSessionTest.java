package dev.careloop.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The sign-in a browser does, against a web app and issuer as strict as the real ones: the session cookie must come
 * back on every hop, the login form's CSRF field must be posted, the session is replaced at login (so a client that
 * kept the first cookie would be sent to sign in again), and the worklist's forms want the page's own token.
 */
class BrowserSessionTest {

    private HttpServer server;
    private URI base;

    @BeforeEach
    void start() throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void signsInThroughTheLoginFormAndThenLoadsThePageAndTheSearchFragment() throws Exception {
        BrowserSession person = BrowserSession.signIn(base, "/signin/careloop", "priya.shah", "careloop-demo");

        assertThat(person.csrf()).isEqualTo("page-token");
        assertThat(InboxPageBenchmark.shownTotal(person.get("/worklist", false), false)).isEqualTo(3);
        BrowserSession.Page fragment = person.post("/worklist/search",
                InboxPageBenchmark.searchForm("Ashford", person.csrf()), true);
        assertThat(InboxPageBenchmark.shownTotal(fragment, true)).isEqualTo(1);
    }

    @Test
    void aWrongPasswordIsAFailedSignInNotAPageToMeasure() {
        assertThatThrownBy(() -> BrowserSession.signIn(base, "/signin/careloop", "priya.shah", "wrong"))
                .hasMessageContaining("signing in as priya.shah ended with 200 at " + base + "/login");
    }

    @Test
    void theLoginFormInPlaceOfTheWorklistIsNotCountedAsThePage() throws Exception {
        BrowserSession stranger = BrowserSession.signIn(base, "/signin/careloop", "priya.shah", "careloop-demo");
        server.removeContext("/");
        server.createContext("/", ex -> reply(ex, 200, LOGIN_FORM, null));

        assertThatThrownBy(() -> InboxPageBenchmark.shownTotal(stranger.get("/worklist", false), false))
                .hasMessageContaining("not the worklist page: 200");
    }

    private static final String LOGIN_FORM = "<form method=\"post\" action=\"/login\"><input name=\"username\">"
            + "<input name=\"_csrf\" type=\"hidden\" value=\"login-token\" /></form>";

    private void handle(HttpExchange ex) throws IOException {
        String cookie = String.valueOf(ex.getRequestHeaders().getFirst("Cookie"));
        String path = ex.getRequestURI().getPath();
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        boolean before = cookie.contains("SESSION=first");
        boolean signedIn = cookie.contains("SESSION=second");
        switch (ex.getRequestMethod() + " " + path) {
            case "GET /signin/careloop" -> redirect(ex, base + "/oauth2/authorize?client_id=careloop-web", null);
            case "GET /oauth2/authorize" -> {
                if (signedIn) {
                    redirect(ex, "/login/oauth2/code/careloop?code=abc", null);
                } else {
                    redirect(ex, "/login", "SESSION=first; Path=/; HttpOnly");
                }
            }
            case "GET /login" -> reply(ex, before ? 200 : 403, LOGIN_FORM, null);
            case "POST /login" -> {
                if (before && body.contains("_csrf=login-token") && body.contains("username=priya.shah")
                        && body.contains("password=careloop-demo")) {
                    redirect(ex, "/oauth2/authorize?client_id=careloop-web", "SESSION=second; Path=/; HttpOnly");
                } else {
                    redirect(ex, "/login?error", null);
                }
            }
            case "GET /login/oauth2/code/careloop", "GET /" -> redirect(ex, path.equals("/") ? "/worklist" : "/",
                    null);
            case "GET /worklist" -> {
                if (signedIn) {
                    reply(ex, 200, "<h1>Worklist</h1><form><input type=\"hidden\" name=\"_csrf\" value=\"page-token\"/>"
                            + "</form><section id=\"results\"><p><span>3</span> referral(s)</p></section>", null);
                } else {
                    redirect(ex, "/signin/careloop", null);
                }
            }
            case "POST /worklist/search" -> {
                if (signedIn && body.contains("_csrf=page-token") && body.contains("q=Ashford")
                        && "true".equals(ex.getRequestHeaders().getFirst("HX-Request"))) {
                    reply(ex, 200, "<section id=\"results\"><p><span>1</span> referral(s)<span> matching</span>", null);
                } else {
                    reply(ex, 403, "Forbidden", null);
                }
            }
            default -> reply(ex, 404, "no " + path, null);
        }
    }

    private static void redirect(HttpExchange ex, String location, String setCookie) throws IOException {
        ex.getResponseHeaders().set("Location", location);
        reply(ex, 302, "", setCookie);
    }

    private static void reply(HttpExchange ex, int status, String body, String setCookie) throws IOException {
        if (setCookie != null) {
            ex.getResponseHeaders().set("Set-Cookie", setCookie);
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
        ex.close();
    }
}
