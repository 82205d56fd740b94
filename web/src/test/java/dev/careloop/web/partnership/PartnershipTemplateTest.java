package dev.careloop.web.partnership;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockServletContext;
import org.thymeleaf.context.WebContext;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;
import org.thymeleaf.web.servlet.JakartaServletWebApplication;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The partnership page's template rendered with the API's JSON as the page receives it, goals included (the browser
 * test covers the page against a live API; this one the parts a given API answer may or may not have).
 */
class PartnershipTemplateTest {

    private static final SpringTemplateEngine ENGINE = engine();

    private static SpringTemplateEngine engine() {
        ClassLoaderTemplateResolver templates = new ClassLoaderTemplateResolver();
        templates.setPrefix("templates/");
        templates.setSuffix(".html");
        templates.setTemplateMode(TemplateMode.HTML);
        SpringTemplateEngine engine = new SpringTemplateEngine();
        engine.setTemplateResolver(templates);
        return engine;
    }

    private static WebContext context() {
        MockServletContext servlet = new MockServletContext();
        return new WebContext(JakartaServletWebApplication.buildApplication(servlet)
                .buildExchange(new MockHttpServletRequest(servlet), new MockHttpServletResponse()), Locale.ROOT);
    }

    private static String render(Map<String, Object> detail, Map<String, Object> openLoops) {
        WebContext context = context();
        context.setVariable("partner", "riverside-derm");
        context.setVariable("partnerName", "Riverside Dermatology");
        context.setVariable("detail", detail);
        context.setVariable("charts", PartnershipCharts.of(detail, "Riverside Dermatology"));
        context.setVariable("goals", Goals.of(detail, "Riverside Dermatology"));
        context.setVariable("openLoops", openLoops);
        context.setVariable("loopsPage", 0);
        context.setVariable("loopsPerPage", 20);
        context.setVariable("services", new TreeMap<>(Map.of("dermatology-consultation", "Dermatology consultation")));
        context.setVariable("priorities", PartnershipsPage.PRIORITIES);
        context.setVariable("form", Map.of("priority", "urgent"));
        Map<String, Object> query = new HashMap<>();
        query.put("priority", "urgent");
        context.setVariable("query", query);
        context.setVariable("fmt", Figures.INSTANCE);
        context.setVariable("goalMeasures", Goals.choices());
        context.setVariable("goalForm", Map.of());
        context.setVariable("idempotencyKey", "key-1");
        return ENGINE.process("partnership", context);
    }

    private static Map<String, Object> measures(int referrals) {
        Map<String, Object> m = new HashMap<>();
        m.put("referrals", referrals);
        m.put("declined", 0);
        m.put("cancelled", 0);
        m.put("slaMetRate", 0.5);
        m.put("loopClosureRate", 1.0);
        m.put("turnarounds", Map.of("sentToAccepted", Map.of("count", 1, "medianHours", 5, "p90Hours", 30)));
        return m;
    }

    private static Map<String, Object> detail(boolean withGoals) {
        Map<String, Object> total = new LinkedHashMap<>();
        total.put("sent", 2);
        total.put("received", 1);
        total.put("balance", 1);
        total.put("reciprocity", 0.5);
        total.put("loopClosureRate", 1.0);
        total.put("outgoing", measures(2));
        total.put("incoming", measures(1));
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("organisation", "northside-gp");
        detail.put("from", "2026-11");
        detail.put("to", "2026-12");
        detail.put("targetDays", 30);
        detail.put("total", total);
        detail.put("months", List.of(Map.of("month", "2026-12", "direction", "outgoing", "measures", measures(2))));
        if (withGoals) {
            Map<String, Object> goal = new HashMap<>();
            goal.put("measure", "slaMetRate");
            goal.put("comparison", "atLeast");
            goal.put("target", 0.9);
            goal.put("priority", "urgent");
            goal.put("direction", "outgoing");
            goal.put("setBy", "Dr Tom Okafor");
            goal.put("setAt", "2026-11-02T10:00:00Z");
            goal.put("reason", "Agreed at the quarterly review");
            goal.put("goalId", "goal-ours");
            goal.put("setByOrganisation", "northside-gp");
            Map<String, Object> theirs = new HashMap<>(goal);
            theirs.put("goalId", "goal-theirs");
            theirs.put("setByOrganisation", "riverside-derm");
            theirs.put("measure", "sentToAccepted.medianHours");
            theirs.put("comparison", "atMost");
            theirs.put("target", 48);
            theirs.put("direction", "incoming");
            detail.put("goals", List.of(Map.of("goal", goal, "actual", 0.5, "met", false,
                    "periods", List.of(Map.of("month", "2026-11", "actual", 0.5, "met", false)),
                    "missedPeriods", List.of("2026-11")), Map.of("goal", theirs, "periods", List.of(),
                    "missedPeriods", List.of())));
        }
        return detail;
    }

    private static final Map<String, Object> LOOPS = Map.of("targetDays", 30, "total", 1, "items", List.of(Map.of(
            "referralId", "0b7e1c2d-0000-4000-8000-000000000001", "direction", "incoming",
            "service", "dermatology-consultation", "priority", "urgent", "sentAt", "2026-10-01T08:00:00Z",
            "ageDays", 64, "stage", "awaiting triage")));

    @Test
    void thePartnershipsListShowsTheEarliestSlotWhereTheApiMeasuresIt() {
        Map<String, Object> outgoing = measures(2);
        outgoing.put("turnarounds", Map.of("sentToAccepted", Map.of("count", 1, "medianHours", 5),
                "sentToEarliestSlot", Map.of("count", 1, "medianHours", 96)));
        Map<String, Object> partnership = new HashMap<>(Map.of("partner", "riverside-derm", "sent", 2,
                "received", 1, "balance", 1, "reciprocity", 0.5, "outgoing", outgoing));
        partnership.put("loopClosureRate", null);
        Map<String, Object> overview = Map.of("from", "2026-01", "to", "2026-12", "targetDays", 30,
                "partnerships", List.of(partnership));
        WebContext context = context();
        context.setVariable("overview", overview);
        context.setVariable("names", Map.of("riverside-derm", "Riverside Dermatology"));
        context.setVariable("fmt", Figures.INSTANCE);
        context.setVariable("slots", PartnershipsPage.measuresEarliestSlot(overview));

        String page = ENGINE.process("partnerships", context);

        assertThat(page).contains("Their median earliest slot for yours", "<td>4 d</td>", "<td>5 h</td>",
                "<td>+1</td>", "<td>50 %</td>", ">Riverside Dermatology</a>");
    }

    @Test
    void eachGoalIsShownInWordsWithItsVerdictTheMonthsThatMissedAndItsChart() {
        String page = render(detail(true), LOOPS);

        assertThat(page).contains("<h2 id=\"goals-heading\">Goals</h2>",
                "Triaged within the SLA: at least 90 %, urgent referrals you send to Riverside Dermatology",
                ">Missed</span> over these months: <span>50 %</span>", "; missed in 2026-11",
                "Set by Dr Tom Okafor on 2026-11-02: Agreed at the quarterly review",
                "id=\"goal-1-svg\"", ">Target 90 %</text>");
    }

    @Test
    void onlyAGoalTheViewersOrganisationSetCanBeWithdrawnAndAnyGoalCanBeSetFromThePage() {
        String page = render(detail(true), LOOPS);

        assertThat(page).contains("action=\"/partnerships/riverside-derm/goals/goal-ours/withdraw\"",
                "Median sent → accepted: at most 48 h, urgent referrals you receive from Riverside Dermatology",
                "action=\"/partnerships/riverside-derm/goals\"", "<option value=\"slaMetRate\">",
                "<option value=\"sentToAccepted.p90Hours\">", "name=\"idempotencyKey\" value=\"key-1\"",
                "Those you send to Riverside Dermatology");
        assertThat(page).doesNotContain("goals/goal-theirs/withdraw");
    }

    @Test
    void aShareIsTypedAsAPercentageAndSentAsTheApisShareHoursAsHours() {
        assertThat(PartnershipsPage.target("90", false)).isEqualTo(0.9);
        assertThat(PartnershipsPage.target("87.5 %", false)).isEqualTo(0.875);
        assertThat(PartnershipsPage.target("48", true)).isEqualTo(48.0);
        assertThat(PartnershipsPage.target("soon", true)).isEqualTo("soon");
        assertThat(PartnershipsPage.target(" ", false)).isNull();
    }

    @Test
    void withoutGoalsThePageHasItsChartsOpenLoopsAndCsvLinkWithTheFilters() {
        String page = render(detail(false), LOOPS);

        assertThat(page).contains("No goal is set on this partnership yet.", "id=\"set-goal\"");
        assertThat(page).contains("id=\"reciprocity-svg\"", "id=\"turnaround-outgoing-svg\"", "id=\"sla-svg\"",
                "href=\"/referrals/0b7e1c2d-0000-4000-8000-000000000001\"", "Referral 0b7e1c2d", "you received",
                "Dermatology consultation", "64 days", "awaiting triage",
                "href=\"/partnerships/riverside-derm/csv?from=2026-11&amp;to=2026-12&amp;targetDays=30&amp;service=&amp;"
                        + "priority=urgent\"",
                "<option value=\"urgent\" selected=\"selected\">urgent</option>");
    }
}
