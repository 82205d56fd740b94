package dev.careloop.app.browser;

import dev.careloop.app.CareLoopClient;
import dev.careloop.app.CareLoopIntegrationTest;
import dev.careloop.app.DemoClinics;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compliance console and the administration pages in a browser: a dermatologist reads the record attached to a
 * referral; Northside's compliance officer finds the patient by MRN, sees that read (by name, organisation, role,
 * allowed) and her own lookups only once she ticks the box for them, opens the referral as it was, downloads the CSV and checks the log; a clinician is refused the console;
 * the platform administrator looks at partners and dead letters and rebuilds a read model, following its progress.
 */
@CareLoopIntegrationTest
class ConsoleBrowserTest {

    @LocalServerPort
    int port;

    @Test
    void anOfficerSeesWhoReadTheAttachedRecordAndAnAdministratorTendsThePlatform() throws Exception {
        DemoClinics clinics = DemoClinics.at(port);
        DemoClinics.DemoPatient patient = DemoClinics.newPatient("Noor", "Haddad" + UUID.randomUUID().toString()
                .replaceAll("[^a-z]", "").substring(0, 4));
        DemoClinics.SentReferral referral = clinics.sendReferral("riverside-derm", patient);
        String record = attach(clinics.gp(), referral.id());

        try (Browser priya = Browser.at(port)) {
            priya.signIn("priya.shah");
            priya.open("/records/" + record);
            priya.waitForText("h1", "Discharge summary");
            assertThat(priya.all("header.top a[href='/compliance']")).as("no console for a clinician").isEmpty();
            priya.open("/compliance");
            assertThat(priya.text("h1")).isEqualTo("Not for your role");
            priya.open("/admin/read-models");
            assertThat(priya.text("h1")).isEqualTo("Not for your role");
        }

        try (Browser ana = Browser.at(port)) {
            ana.signIn("ana.berg");
            ana.waitForText("h1", "Compliance");
            assertThat(ana.all("header.top a[href='/admin/partners']")).as("no admin pages for an officer").isEmpty();
            ana.assertAccessible("compliance console");
            ana.screenshot("compliance-console");

            // Her organisation's own MRN, typed bare; the patient's page is addressed by the pseudonymous id only.
            ana.find("#lookup-identifier").sendKeys(patient.mrn());
            ana.find("#lookup button[type=submit]").click();
            ana.waitForText("h1", patient.name());
            assertThat(ana.driver().getCurrentUrl()).contains(referral.patientId()).doesNotContain(patient.mrn());
            ana.find("#history-filters input[value=reads]").click();
            ana.find("#history-filters button[type=submit]").click();
            ana.waitForText("#audit", "Dr Priya Shah");
            WebElement read = ana.driver().findElements(By.cssSelector("#audit tbody tr")).stream()
                    .filter(row -> row.getText().contains("Dr Priya Shah") && row.getText().contains(record))
                    .findFirst().orElseThrow();
            assertThat(read.getText()).contains("Read", "riverside-derm", "clinician", "Allowed");
            // Her own lookups of the patient (finding them, opening this page) are accounted for, but not listed
            // until she asks for them.
            assertThat(ana.text("#audit")).doesNotContain("Ana Berg");
            assertThat(ana.text("#history-oversight-note")).contains("not listed");
            ana.assertAccessible("patient access history");
            ana.screenshot("compliance-patient");
            ana.find("#history-oversight").click();
            ana.find("#history-filters button[type=submit]").click();
            ana.waitForText("#audit", "Ana Berg");
            assertThat(ana.find("#history-oversight").isSelected()).isTrue();
            assertThat(ana.all("#history-oversight-note")).isEmpty();
            ana.find("#history-oversight").click();
            ana.find("#history-filters button[type=submit]").click();
            ana.waitForText("#history-oversight-note", "not listed");

            String csv = fetch(ana, ana.find("#export-csv").getAttribute("href"));
            assertThat(csv).startsWith("\"time\"").contains(patient.name(), "Dr Priya Shah", record);

            // The referral as it was when it was sent, and what changed since.
            ana.find("#history-filters input[value=writes]").click();
            ana.find("#history-filters button[type=submit]").click();
            ana.waitForText("#audit", "ReferralSent");
            ana.driver().findElements(By.cssSelector("#audit tbody tr")).stream()
                    .filter(row -> row.getText().contains("ReferralSent")).findFirst().orElseThrow()
                    .findElement(By.linkText("Referral")).click();
            ana.waitForText("h1", "Referral as of");
            assertThat(ana.text("#as-of")).contains(referral.id(), "received");
            assertThat(ana.find("#diff").getText()).contains("Field");
            ana.assertAccessible("as-of view");
            ana.screenshot("compliance-as-of");

            ana.open("/integrity");
            ana.waitForText("#log-status", "Intact");
            assertThat(ana.text("#access-log-status")).isEqualTo("Intact");
            assertThat(ana.all("#checkpoints + form, form[action='/integrity/checkpoints']"))
                    .as("signing is for administrators").isEmpty();
            ana.assertAccessible("log integrity");
            ana.screenshot("integrity");
        }

        try (Browser ivan = Browser.at(port)) {
            ivan.signIn("ivan.petrov");
            ivan.waitForText("h1", "Partner EHRs");
            assertThat(ivan.all("header.top a[href='/compliance']")).as("no console for an administrator").isEmpty();
            ivan.assertAccessible("partners");
            ivan.screenshot("partners");
            ivan.open("/compliance");
            assertThat(ivan.text("h1")).isEqualTo("Not for your role");

            ivan.open("/admin/read-models");
            ivan.waitForText("h1", "Read models");
            List<WebElement> retries = ivan.all("#dead-letters form.inline button");
            if (retries.isEmpty()) {
                assertThat(ivan.text("#no-dead-letters")).contains("No dead letters");
            } else {
                retries.get(0).click();
                ivan.waitForText(".done", "Sequence");
            }
            ivan.assertAccessible("read models");
            ivan.screenshot("read-models");

            ivan.find("#group-appointments").click();
            ivan.find("#rebuild button[type=submit]").click();
            ivan.waitForText("h1", "Rebuild of appointments");
            ivan.assertAccessible("rebuild");
            // htmx follows the progress without a reload until the new tables have taken over.
            new WebDriverWait(ivan.driver(), Duration.ofSeconds(90)).until(ExpectedConditions
                    .textToBePresentInElementLocated(By.id("rebuild-state"), "switched"));
            assertThat(ivan.text("#rebuild")).contains("Switched over");
            ivan.screenshot("rebuild");

            ivan.open("/integrity");
            ivan.find("form[action='/integrity/checkpoints'] button").click();
            assertThat(ivan.find(".done").getText()).as("what signing did").isNotBlank();
            ivan.assertAccessible("log integrity (administrator)");
        }
    }

    /** Northside attaches a discharge summary to the referral: its other party may read it. */
    private static String attach(CareLoopClient author, String referralId) throws Exception {
        byte[] content = ("# Discharge summary\n\n" + UUID.randomUUID() + "\n").getBytes(StandardCharsets.UTF_8);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        assertThat(author.put("/api/records/content/" + sha, content, "text/markdown").status()).isIn(200, 201);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("referralId", referralId);
        body.put("recipients", List.of());
        body.put("documentType", Map.of("code", "18842-5", "display", "Discharge summary"));
        body.put("title", "Discharge summary");
        body.put("contentSha256", sha);
        body.put("purpose", "TREAT");
        body.put("validUntil", Instant.now().plus(Duration.ofDays(30)).toString());
        CareLoopClient.Response shared = author.post("/api/records", body);
        assertThat(shared.status()).as(shared.body()).isEqualTo(201);
        return shared.json().get("recordId").asString();
    }

    /** The answer to a GET of the page's own origin, as the signed-in person (their session cookie goes along). */
    private static String fetch(Browser browser, String href) {
        Object text = ((JavascriptExecutor) browser.driver()).executeAsyncScript(
                "var done = arguments[arguments.length - 1];"
                        + "fetch(arguments[0]).then(function (r) { return r.text(); }).then(done,"
                        + " function (e) { done('failed: ' + e); });", href);
        return String.valueOf(text);
    }
}
