package dev.careloop.app.browser;

import dev.careloop.app.CareLoopClient;
import dev.careloop.app.CareLoopIntegrationTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two clinics close a referral loop in their browsers: northside-gp sends, riverside-derm assigns, asks, books, writes
 * back; northside answers and acknowledges. Along the way the API refuses a visit in the past (its words on the page)
 * and a step taken from a page that someone else's step made stale (what changed, on the page).
 */
@CareLoopIntegrationTest
class ReferralLoopBrowserTest {

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm");

    @LocalServerPort
    int port;

    @Test
    void twoClinicsCloseAReferralLoopInTheirBrowsers() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String patient = "Alma Lindqvist" + suffix;
        try (Browser tom = Browser.at(port); Browser ben = Browser.at(port); Browser priya = Browser.at(port)) {
            // Northside sends: recipient from the directory, service swapped in for it, patient by its own MRN.
            tom.signIn("tom.okafor").open("/referrals/new");
            assertThat(tom.text("h1")).isEqualTo("Send a referral");
            tom.assertAccessible("new referral");
            tom.screenshot("new-referral");
            new Select(tom.find("#recipientOrganisation")).selectByValue("riverside-derm");
            tom.waitFor(ExpectedConditions.numberOfElementsToBeMoreThan(By.cssSelector("#service option"), 1));
            new Select(tom.find("#service")).selectByIndex(1);
            tom.find("#identifierValue").sendKeys("MRN-" + suffix);
            tom.find("#patientName").sendKeys(patient);
            setValue(tom, "#birthDate", "1975-06-14");
            new Select(tom.find("#priority")).selectByValue("urgent");
            tom.find("#reason").sendKeys("Changing pigmented lesion on the left forearm");
            tom.find(".referral-form > button[type=submit]").click();
            tom.waitFor(ExpectedConditions.urlMatches("/referrals/[0-9a-f-]{36}$"));
            String url = tom.driver().getCurrentUrl();
            String path = url.substring(url.indexOf("/referrals/"));
            assertThat(tom.text("main h1")).contains("Referral received");
            String number = tom.text("main h1 span");

            // Riverside finds it in the inbox, by a search that is a POST (the patient's name stays out of the URL).
            ben.signIn("ben.carter");
            assertThat(ben.text("h1")).isEqualTo("Worklist");
            ben.find("#q").sendKeys(patient);
            ben.find("form.search button[type=submit]").click();
            // "matching": the inbox may already hold just this one referral, so "1 referral(s)" alone is also the
            // page before the search's results are swapped in.
            ben.waitForText("#results .total", "1 referral(s) matching");
            assertThat(ben.text("#results table")).contains(number.replace("Referral ", ""), "northside-gp",
                    "Nobody yet");
            ben.assertAccessible("worklist");
            ben.screenshot("worklist");
            assertThat(ben.driver().getCurrentUrl()).doesNotContain(suffix);
            ben.find("#results table a").click();
            ben.waitFor(ExpectedConditions.urlContains(path));

            // The coordinator assigns to a clinician from the persons directory, one who has not acted on CareLoop
            // yet; other organisations' clinicians are not offered.
            Select assignee = new Select(ben.find("#assignee-choice"));
            assertThat(assignee.getOptions()).extracting(WebElement::getText)
                    .contains("Me (Ben Carter)", "Dr Priya Shah").doesNotContain("Dr Tom Okafor", "Dr Lars Nyberg");
            assignee.selectByVisibleText("Dr Priya Shah");
            ben.find("form[action$='/assign'] button").click();
            ben.waitForText("#assignee", "Dr Priya Shah");
            ben.find("#question").sendKeys("Is the lesion itchy or bleeding?");
            ben.find("form[action$='/request-information'] button").click();
            ben.waitForText("main h1", "Information requested");

            // Northside answers: only the answer is offered to it now.
            tom.open(path);
            assertThat(tom.text("form[action$='/provide-information'] .question")).contains("itchy or bleeding");
            tom.find("#answer").sendKeys("Itchy for two weeks, no bleeding.");
            tom.find("form[action$='/provide-information'] button").click();
            tom.waitForText(".thread", "Itchy for two weeks");

            ben.open(path);
            ben.find("form[action$='/accept'] button").click();
            ben.waitForText("main h1", "Referral accepted");
            // Dr Shah opens the referral now; what Ben does next makes her page stale.
            priya.signIn("priya.shah").open(path);
            priya.find("#note");

            // Refused: a visit in the past. The API's own words for the field are on the page, nothing is booked.
            setValue(ben, "#schedule-start", LocalDateTime.now().minusDays(3).format(LOCAL));
            ben.find("#schedule-location").sendKeys("Riverside clinic, room 4");
            ben.find("form[action$='/schedule'] button").click();
            ben.waitForText("#problem", "start");
            assertThat(ben.text("#problem")).contains("future");
            assertThat(ben.all("#appointment")).isEmpty();

            setValue(ben, "#schedule-start", LocalDateTime.now().plusDays(5).withHour(10).withMinute(30)
                    .format(LOCAL));
            WebElement location = ben.find("#schedule-location");
            location.clear();
            location.sendKeys("Riverside clinic, room 4");
            ben.find("form[action$='/schedule'] button").click();
            ben.waitForText("#appointment", "Riverside clinic, room 4");

            // Stale: Dr Shah's page still shows the referral before the booking.
            priya.find("#note").sendKeys("Seen the photos; dermoscopy at the visit.");
            priya.find("form[action$='/interim-note'] button").click();
            priya.waitForText("#stale", "Someone else changed this referral");
            assertThat(priya.text("#stale")).contains("Ben Carter");
            assertThat(priya.text("#stale li")).isNotBlank();
            assertThat(priya.text("main")).doesNotContain("Interim notes");
            // The page now shows the referral as it is; the same step goes through.
            priya.find("form[action$='/interim-note'] button").click();
            priya.waitForText("main", "Interim notes");
            priya.find("#report").sendKeys("Benign seborrhoeic keratosis. No follow-up needed.");
            priya.find("form[action$='/outcome'] button").click();
            priya.waitForText("#consult-report", "seborrhoeic keratosis");

            tom.open(path);
            tom.find("form[action$='/acknowledge-outcome'] button").click();
            tom.waitForText("#loop", "Closed");
            assertThat(tom.all("form[action$='/acknowledge-outcome']")).isEmpty();
            assertThat(tom.text(".timeline")).contains("Dr Priya Shah", "Ben Carter", "Dr Tom Okafor");
            tom.assertAccessible("referral page");
            tom.screenshot("referral");

            tom.open("/directory");
            assertThat(tom.text(".directory")).contains("riverside-derm");
            tom.assertAccessible("directory");
            tom.screenshot("directory");
        }
    }

    @Test
    void anotherOrganisationsReferralIsANotFoundPageWithNoDetail() throws Exception {
        String mrn = "MRN-" + UUID.randomUUID().toString().substring(0, 8);
        CareLoopClient gp = CareLoopClient.as(port, "northside-gp-staff");
        var sent = gp.post("/api/referrals", CareLoopClient.referralTo("riverside-derm", mrn),
                h -> h.set("Idempotency-Key", UUID.randomUUID().toString()));
        assertThat(sent.status()).isEqualTo(201);
        String id = sent.json().get("referralId").asString();
        try (Browser lars = Browser.at(port)) {
            lars.signIn("lars.nyberg").open("/referrals/" + id);
            assertThat(lars.text("main h1")).isEqualTo("Not found");
            String page = lars.driver().getPageSource();
            assertThat(page).doesNotContain("Alex Morgan", mrn, "no such referral", "riverside-derm");
        }
    }

    /** Date and date-time inputs take their value in the browser's locale format when typed; set it directly. */
    private static void setValue(Browser browser, String css, String value) {
        ((JavascriptExecutor) browser.driver()).executeScript("arguments[0].value = arguments[1];", browser.find(css),
                value);
    }
}
