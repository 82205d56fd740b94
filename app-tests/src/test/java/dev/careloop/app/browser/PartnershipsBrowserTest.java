package dev.careloop.app.browser;

import dev.careloop.app.AgedAnalytics;
import dev.careloop.app.CareLoopClient;
import dev.careloop.app.CareLoopIntegrationTest;
import dev.careloop.app.DemoClinics;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static dev.careloop.app.DemoClinics.DERM;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A clinician follows Northside's partnership with Riverside in the browser (issue 20): the partnerships list, the
 * partnership's SVG charts drawn from a closed loop and its goal against the target, the open loop that links to its
 * referral, the CSV with the page's filters, and the "soonest seen" hint on the new-referral form once a service is
 * chosen; a compliance officer is not shown them.
 */
@CareLoopIntegrationTest
class PartnershipsBrowserTest {

    private final AgedAnalytics aged = new AgedAnalytics();

    @org.junit.jupiter.api.AfterEach
    void unage() {
        aged.restore(jdbc);
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aClinicianReadsAPartnershipsChartsOpensAnOpenLoopAndSeesWhereAServiceIsSeenSoonest() throws Exception {
        DemoClinics clinics = DemoClinics.at(port);
        CareLoopClient gp = clinics.gp();
        CareLoopClient derm = clinics.derm();
        // A loop closed: accepted, booked, the patient seen, the outcome sent and acknowledged.
        String closed = clinics.sendReferral(DERM).id();
        write(derm, closed, "accept", null);
        Instant visit = Instant.now().plus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MINUTES);
        String appointment = write(derm, closed, "schedule", Map.of("start", visit.toString(),
                "end", visit.plus(30, ChronoUnit.MINUTES).toString(), "location", "Riverside, room 2"))
                .json().get("appointmentId").asString();
        CareLoopClient.Response arrived = derm.post("/api/appointments/" + appointment + "/arrived", Map.of());
        assertThat(arrived.status()).as(arrived.body()).isEqualTo(200);
        write(derm, closed, "outcome", Map.of("report", "Benign naevus"));
        write(gp, closed, "acknowledge-outcome", null);
        // One the other way: Riverside refers a patient of its own to Northside.
        Map<String, Object> back = new java.util.HashMap<>(CareLoopClient.referralTo(DemoClinics.GP,
                DemoClinics.mrn("PB")));
        back.put("patient", Map.of("identifierSystem", "https://" + DERM + ".example/mrn",
                "identifierValue", DemoClinics.mrn("PB"), "name", "Alex Morgan", "birthDate", "1980-04-02"));
        DemoClinics.sendReferral(derm, back);
        // An open loop, aged past the 30-day target once analytics has its row.
        String open = clinics.sendReferral(DERM).id();
        awaitTrue(() -> count("SELECT count(*) FROM analytics_referral WHERE referral_id = ? AND acknowledged_at"
                + " IS NOT NULL AND seen_at IS NOT NULL", closed) == 1, "analytics of the closed loop " + closed);
        awaitTrue(() -> aged.age(jdbc, open), "analytics of the open loop " + open);
        // Northside's goal on the partnership: the page shows it against its target.
        CareLoopClient.Response goal = gp.post("/api/partnerships/" + DERM + "/goals", Map.of("measure", "slaMetRate",
                "target", 0.9, "reason", "Agreed at the quarterly review"));
        assertThat(goal.status()).as(goal.body()).isEqualTo(201);
        String goalId = goal.json().get("goalId").asString();
        awaitTrue(() -> count("SELECT count(*) FROM partnership_goal WHERE goal_id = ?", goalId) == 1,
                "the goal " + goalId);

        try (Browser tom = Browser.at(port)) {
            tom.signIn("tom.okafor").open("/partnerships");
            tom.waitForText("h1", "Partnerships");
            WebElement riverside = tom.find("#partnerships a[href^='/partnerships/" + DERM + "']");
            assertThat(riverside.getText()).isEqualTo("Riverside Dermatology");
            tom.assertAccessible("partnerships");
            tom.screenshot("partnerships");

            riverside.click();
            tom.waitForText("main h1", "Partnership with Riverside Dermatology");
            for (String chart : new String[]{"reciprocity", "turnaround-outgoing", "loop-closure", "sla"}) {
                WebElement svg = tom.find("#" + chart + " svg[role=img]");
                assertThat(Integer.parseInt(svg.getAttribute("data-bars"))).as(chart + " bars").isPositive();
                assertThat(svg.findElement(By.tagName("title")).getAttribute("textContent")).isNotBlank();
                assertThat(tom.all("#" + chart + " table.chart-table tbody tr")).as(chart + " table").isNotEmpty();
            }
            WebElement goals = tom.find("#goals");
            assertThat(goals.getText()).contains("Triaged within the SLA: at least 90 %",
                    "Agreed at the quarterly review");
            assertThat(goals.findElements(By.cssSelector("svg[role=img] .target-line"))).isNotEmpty();
            // A goal set on the page: refused first (a share over 100 %), the form kept as filled in; then set.
            tom.find("#set-goal summary").click();
            new Select(tom.find("#goal-measure")).selectByValue("slaMetRate");
            tom.find("#goal-target").sendKeys("150");
            tom.find("#goal-reason").sendKeys("Typed in haste");
            tom.find("#set-goal button[type=submit]").click();
            tom.waitFor(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#set-goal .problem")));
            assertThat(tom.text("#set-goal .problem")).contains("target");
            assertThat(tom.find("#goal-reason").getAttribute("value")).isEqualTo("Typed in haste");
            new Select(tom.find("#goal-measure")).selectByValue("sentToAccepted.medianHours");
            tom.find("#goal-target").clear();
            tom.find("#goal-target").sendKeys("48");
            new Select(tom.find("#goal-direction")).selectByValue("outgoing");
            tom.find("#goal-reason").clear();
            tom.find("#goal-reason").sendKeys("Triage within two days");
            tom.find("#set-goal button[type=submit]").click();
            tom.waitForText("#goals", "Median sent → accepted: at most 48 h, you send to Riverside Dermatology");
            assertThat(tom.text("#goals")).contains("Triage within two days");
            // Withdrawn on the page, it is measured no more.
            WebElement set = tom.all("#goals article.goal").stream()
                    .filter(a -> a.getText().contains("Triage within two days")).findFirst().orElseThrow();
            set.findElement(By.cssSelector("details.withdraw-goal summary")).click();
            set.findElement(By.cssSelector("details.withdraw-goal input[name=reason]")).sendKeys("Set by mistake");
            set.findElement(By.cssSelector("details.withdraw-goal button[type=submit]")).click();
            tom.waitFor(ExpectedConditions.not(ExpectedConditions.textToBePresentInElementLocated(
                    By.cssSelector("#goals"), "Triage within two days")));
            assertThat(tom.text("#goals")).contains("Triaged within the SLA: at least 90 %");
            // The closed loop is in the turnarounds: seen, and acknowledged.
            assertThat(tom.find("#turnaround-outgoing table.chart-table").getAttribute("textContent"))
                    .contains("Sent → seen", "Sent → ack.");
            assertThat(tom.text("#headline")).contains("sent");
            tom.assertAccessible("partnership");
            tom.screenshot("partnership");
            ((JavascriptExecutor) tom.driver()).executeScript("arguments[0].scrollIntoView();",
                    tom.find("#reciprocity"));
            tom.screenshot("partnership-charts");

            String csv = fetch(tom, tom.find("#csv").getAttribute("href"));
            assertThat(csv).startsWith("month,direction,partner,service,priority,referrals,")
                    .contains(",outgoing,\"" + DERM + "\",");

            tom.find("#open-loops a[href='/referrals/" + open + "']").click();
            tom.waitFor(ExpectedConditions.urlContains("/referrals/" + open));
            assertThat(tom.text("main h1")).contains("Referral");

            // The hint: for the service chosen, where patients were seen soonest lately.
            tom.open("/referrals/new");
            new Select(tom.find("#recipientOrganisation")).selectByValue(DERM);
            tom.waitFor(ExpectedConditions.numberOfElementsToBeMoreThan(By.cssSelector("#service option"), 1));
            new Select(tom.find("#service")).selectByValue("dermatology-consultation");
            tom.waitForText("#soonest", "Riverside Dermatology");
            assertThat(tom.text("#soonest")).contains("seen in a median of", "(your choice)",
                    "earliest slot offered in a median of");
            tom.assertAccessible("new referral with the soonest-seen hint");
            tom.screenshot("new-referral-soonest");
        }

        try (Browser ana = Browser.at(port)) {
            ana.signIn("ana.berg");
            assertThat(ana.all("header.top a[href='/partnerships']")).as("no partnerships for an officer").isEmpty();
            ana.open("/partnerships/" + DERM);
            assertThat(ana.text("h1")).isEqualTo("Not for your role");
        }
    }

    private static CareLoopClient.Response write(CareLoopClient client, String id, String action, Object body) {
        CareLoopClient.Response written = client.post("/api/referrals/" + id + "/" + action, body);
        assertThat(written.status()).as(action + ": " + written.body()).isEqualTo(200);
        return written;
    }

    private int count(String sql, Object... args) {
        Integer n = jdbc.queryForObject(sql, Integer.class, args);
        return n == null ? 0 : n;
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as(what).isBefore(deadline);
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
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
