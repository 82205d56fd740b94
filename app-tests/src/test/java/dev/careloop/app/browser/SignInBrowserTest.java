package dev.careloop.app.browser;

import dev.careloop.app.CareLoopIntegrationTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** A person signs in at the issuer with their own name and password, works in the web app, and signs out. */
@CareLoopIntegrationTest
class SignInBrowserTest {

    @LocalServerPort
    int port;

    @Test
    void personSignsInSeesTheirNameAndWorklistAndSignsOutAtTheIssuerToo() throws Exception {
        try (Browser browser = Browser.at(port)) {
            browser.signIn("priya.shah");
            assertThat(browser.text("header.top .who .name")).isEqualTo("Dr Priya Shah");
            assertThat(browser.driver().getCurrentUrl()).endsWith("/worklist");
            assertThat(browser.text("h1")).isEqualTo("Worklist");
            browser.assertAccessible("worklist");
            browser.screenshot("worklist");

            browser.find("header.top .who button[type=submit]").click();
            // The issuer's session ended too: the app asks for a password again.
            browser.waitFor(ExpectedConditions.urlContains("/"));
            browser.open("/worklist");
            browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.name("password")));
        }
    }

    @Test
    void pageWithoutASessionSendsTheBrowserToSignInAndTheApiStillAnswersProblemJson() throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/worklist")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/signin/careloop"));

        HttpResponse<String> htmx = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/worklist")).header("HX-Request", "true").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(htmx.statusCode()).isEqualTo(401);
        assertThat(htmx.headers().firstValue("HX-Redirect")).hasValue("/signin/careloop");

        HttpResponse<String> api = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/referrals")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).isEqualTo(401);
        assertThat(api.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
    }

    @Test
    void pagesForbidInlineScriptAndFraming() throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/worklist")).build(), HttpResponse.BodyHandlers.ofString());
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("script-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe-inline");
        assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    }

    @Test
    void localhostIsSentToTheLoopbackAddressTheIssuerAccepts() throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/worklist")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location")).hasValue("http://127.0.0.1:" + port + "/worklist");
    }
}
