package dev.careloop.app.browser;

import dev.careloop.app.CareLoopClient;
import dev.careloop.app.CareLoopIntegrationTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A coordinator with the worklist open hears of a new referral without reloading: the header's unread badge counts it
 * and a toast says what arrived; the notifications page lists it and marks it read.
 */
@CareLoopIntegrationTest
class NotificationsBrowserTest {

    @LocalServerPort
    int port;

    @Test
    void referralSentToTheOrganisationShowsUpLiveInTheHeaderOfAnOpenPage() throws Exception {
        try (Browser ben = Browser.at(port)) {
            ben.signIn("ben.carter");
            // Start from nothing unread (other tests of the shared context may have notified riverside-derm).
            ben.open("/notifications");
            if (!ben.all("form[action$='/notifications/read-all'] button").isEmpty()) {
                ben.find("form[action$='/notifications/read-all'] button").click();
                ben.waitFor(d -> d.findElements(By.cssSelector("form[action$='/notifications/read-all']")).isEmpty());
            }
            ben.open("/worklist");
            ben.find("header.top [sse-connect][data-live=open]");
            ben.waitFor(d -> d.findElement(By.id("unread")).getText().isEmpty());
            JavascriptExecutor page = (JavascriptExecutor) ben.driver();
            page.executeScript("window.careloopSamePage = true;");
            int inboxBefore = Integer.parseInt(ben.text("#inbox-count").trim());

            CareLoopClient gp = CareLoopClient.as(port, "northside-gp-staff");
            CareLoopClient.Response sent = gp.post("/api/referrals",
                    CareLoopClient.referralTo("riverside-derm", "MRN-LIVE-" + UUID.randomUUID()));
            assertThat(sent.status()).isEqualTo(201);

            ben.waitForText("#unread", "1");
            ben.waitForText("#toasts", "Referral received");
            ben.waitFor(d -> Integer.parseInt(d.findElement(By.id("inbox-count")).getText().trim()) > inboxBefore);
            assertThat(page.executeScript("return window.careloopSamePage === true;"))
                    .as("the badge, the toast and the inbox count arrived without a reload").isEqualTo(true);
            assertThat(ben.find("#toasts").getAttribute("role")).isEqualTo("status");
            ben.screenshot("notification-live");

            ben.open("/notifications");
            ben.waitForText("ul.notifications", "Referral received");
            ben.assertAccessible("notifications");
            ben.screenshot("notifications");
            ben.find("ul.notifications li.unread form button[type=submit]").click();
            ben.waitFor(d -> d.findElements(By.cssSelector("ul.notifications li.unread")).isEmpty());
            ben.waitFor(d -> d.findElement(By.id("unread")).getText().isEmpty());
        }
    }
}
