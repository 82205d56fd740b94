package dev.careloop.app.browser;

import dev.careloop.app.CareLoopIntegrationTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A clinician uploads a record and shares it with another organisation; a clinician there opens and downloads it;
 * the sharing clinician and then their compliance officer see who read it.
 */
@CareLoopIntegrationTest
class RecordsBrowserTest {

    @LocalServerPort
    int port;

    @Test
    void recordSharedThroughThePagesIsReadElsewhereAndTheReadIsAccountedFor() throws Exception {
        String title = "Dermatology letter " + UUID.randomUUID().toString().substring(0, 8);
        String content = "Excision margins clear. " + UUID.randomUUID();
        Path letter = Files.createTempFile("letter", ".txt");
        Files.writeString(letter, content);
        String recordId;

        try (Browser priya = Browser.at(port)) {
            priya.signIn("priya.shah");
            priya.open("/records");
            priya.find("#identifierValue").sendKeys("RD-" + UUID.randomUUID().toString().substring(0, 8));
            priya.find("#patientName").sendKeys("Kim Lee");
            setValue(priya, "#birthDate", "1975-02-01");
            priya.find("#title").sendKeys(title);
            priya.find("#file").sendKeys(letter.toAbsolutePath().toString());
            priya.find("#recipient-northside-gp").click();
            priya.assertAccessible("records");
            priya.find("section.share button[type=submit]").click();
            priya.waitForText("h1", title);
            String url = priya.driver().getCurrentUrl();
            recordId = url.substring(url.lastIndexOf('/') + 1);
            assertThat(priya.text("table.grants")).as("treatment is the default purpose")
                    .contains("northside-gp", "TREAT", "active");
            assertThat(priya.text("#disclosures")).contains("Nobody has read it yet");

            try (Browser tom = Browser.at(port)) {
                tom.signIn("tom.okafor");
                tom.open("/records");
                tom.find("#shared-with-me").findElement(By.linkText(title)).click();
                tom.waitForText("h1", title);
                assertThat(tom.all("#disclosures")).as("only the sharing organisation sees who read it").isEmpty();
                String href = tom.find("#download").getAttribute("href");
                Object downloaded = ((JavascriptExecutor) tom.driver()).executeAsyncScript(
                        "var done = arguments[arguments.length - 1];"
                                + "fetch(arguments[0]).then(function (r) { return r.text(); }).then(done,"
                                + " function (e) { done('failed: ' + e); });", href);
                assertThat(downloaded).isEqualTo(content);
            }

            priya.open("/records/" + recordId);
            priya.waitForText("#disclosures", "northside-gp");
            assertThat(priya.text("#disclosures")).as("the reader by name, not by login")
                    .contains("TREAT", "Dr Tom Okafor").doesNotContain("tom.okafor");
            // Shared with one more organisation after the fact, on the share's terms.
            assertThat(priya.text("#share-terms")).contains("TREAT");
            new Select(priya.find("#grant-organisation")).selectByValue("lakeside-cardio");
            priya.find("#grant-reason").sendKeys("Cardiology follows up");
            priya.find("section.share-more button[type=submit]").click();
            priya.waitForText("table.grants", "lakeside-cardio");
            assertThat(priya.all("#grant-organisation option[value='lakeside-cardio']")).isEmpty();
            priya.assertAccessible("record");
            priya.screenshot("record");
            priya.open("/records");
            priya.waitForText("#shared-by-me", title);
            priya.screenshot("records");
            priya.open("/appointments");
            priya.waitForText("h1", "Appointments");
            priya.assertAccessible("appointments");
            priya.screenshot("appointments");
        }

        try (Browser maya = Browser.at(port)) {
            maya.signIn("maya.idris");
            maya.open("/compliance");
            maya.find("#who-read-record").sendKeys(recordId);
            maya.find("#who-read-record").submit();
            maya.waitForText("#audit", "northside-gp");
            assertThat(maya.text("#audit")).contains("Tom Okafor");
            maya.assertAccessible("compliance record");

            maya.open("/compliance");
            maya.find("#record").sendKeys(recordId);
            maya.find("form.filters button[type=submit]").click();
            maya.waitForText("#audit", "northside-gp");
            assertThat(maya.driver().getCurrentUrl()).doesNotContain(recordId);
            maya.assertAccessible("compliance");
            maya.screenshot("compliance");
            assertThat(maya.all("header.top .problem")).as("no refusal in a compliance officer's header").isEmpty();
            assertThat(maya.all("header.top [sse-connect]")).as("notifications are for clinic staff").isEmpty();
            assertThat(maya.all("#unread")).as("no notifications link or badge for a compliance officer").isEmpty();
        }
    }

    private static void setValue(Browser browser, String css, String value) {
        WebElement input = browser.find(css);
        ((JavascriptExecutor) browser.driver()).executeScript("arguments[0].value = arguments[1];", input, value);
    }
}
