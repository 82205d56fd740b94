package dev.careloop.web.partnership;

import dev.careloop.web.ApiProblem;
import dev.careloop.web.CareLoopApi;
import dev.careloop.web.Person;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The organisation's referral partnerships: every partner with the headline figures each way, and a partnership's
 * page with its charts (referrals each way per month, turnarounds, loop closure and SLA against their targets), its
 * open loops linking to each referral, and the figures as CSV. Clinic staff only, as the API behind it; a partner the
 * organisation never exchanged a referral with is the API's 404, the same "not found" page as anything else.
 */
@Controller
class PartnershipsPage {

    /** Organisation ids put into the API's paths: what the directory hands out, nothing else. */
    private static final String ID = "[A-Za-z0-9._:-]{1,128}";
    static final List<String> PRIORITIES = List.of("routine", "urgent", "asap", "stat");
    static final int LOOPS_PER_PAGE = 20;

    private final CareLoopApi api;

    PartnershipsPage(CareLoopApi api) {
        this.api = api;
    }

    @ModelAttribute
    void clinicStaffOnly(@ModelAttribute(name = "person", binding = false) Person person) {
        if (person == null || !person.clinicStaff()) {
            throw new AccessDeniedException("partnership figures are for clinic staff");
        }
    }

    @GetMapping("/partnerships")
    String partnerships(@RequestParam Map<String, String> form, Model model) {
        Map<String, Object> query = period(form);
        Map<String, Object> overview = api.get("/api/partnerships", query);
        model.addAttribute("overview", overview);
        model.addAttribute("slots", measuresEarliestSlot(overview));
        model.addAttribute("names", names());
        model.addAttribute("form", form);
        model.addAttribute("query", query);
        model.addAttribute("fmt", Figures.INSTANCE);
        return "partnerships";
    }

    @GetMapping("/partnerships/{partner}")
    String partnership(@PathVariable String partner, @RequestParam Map<String, String> form,
                       @RequestParam(defaultValue = "0") int loops, Model model) {
        String id = safe(partner);
        Map<String, Object> query = filters(form);
        Map<String, Object> detail = api.get("/api/partnerships/" + id, query);
        Map<String, Object> loopQuery = new LinkedHashMap<>();
        loopQuery.put("targetDays", query.get("targetDays"));
        loopQuery.put("page", Math.max(0, loops));
        loopQuery.put("size", LOOPS_PER_PAGE);
        Map<String, Object> openLoops = api.get("/api/partnerships/" + id + "/open-loops", loopQuery);
        List<Map<String, Object>> organisations = api.list("/api/organisations", Map.of());
        Map<String, String> names = names(organisations);
        String partnerName = names.getOrDefault(id, id);
        model.addAttribute("partner", id);
        model.addAttribute("partnerName", partnerName);
        model.addAttribute("detail", detail);
        model.addAttribute("charts", PartnershipCharts.of(detail, partnerName));
        model.addAttribute("goals", Goals.of(detail, partnerName));
        model.addAttribute("openLoops", openLoops);
        model.addAttribute("loopsPage", Math.max(0, loops));
        model.addAttribute("loopsPerPage", LOOPS_PER_PAGE);
        model.addAttribute("services", services(organisations, form.get("service")));
        model.addAttribute("priorities", PRIORITIES);
        model.addAttribute("form", form);
        model.addAttribute("query", query);
        model.addAttribute("fmt", Figures.INSTANCE);
        model.addAttribute("goalMeasures", Goals.choices());
        if (!model.containsAttribute("goalForm")) {
            model.addAttribute("goalForm", Map.of());
        }
        model.addAttribute("idempotencyKey", CareLoopApi.newIdempotencyKey());
        return "partnership";
    }

    /**
     * Sets a goal on the partnership (POST /api/partnerships/{partner}/goals): a share is entered as a percentage
     * (90 for 90 %) and sent as the API's share (0.9), hours as hours. Refused, the page again with the API's words
     * and the form as filled in.
     */
    @PostMapping("/partnerships/{partner}/goals")
    String setGoal(@PathVariable String partner, @RequestParam Map<String, String> form, Model model,
                   HttpServletResponse response) {
        String id = safe(partner);
        String measure = blankToNull(form.get("measure"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("measure", measure);
        body.put("target", target(form.get("target"), Goals.hours(measure)));
        body.put("withinDays", blankToNull(form.get("withinDays")));
        body.put("priority", blankToNull(form.get("priority")));
        body.put("service", blankToNull(form.get("service")));
        body.put("direction", blankToNull(form.get("direction")));
        body.put("reason", blankToNull(form.get("reason")));
        try {
            api.post("/api/partnerships/" + id + "/goals", body, null, form.get("idempotencyKey"));
            return "redirect:/partnerships/" + id + "#goals";
        } catch (ApiProblem problem) {
            return refused(id, problem, "goalProblem", form, model, response);
        }
    }

    /** Withdraws a goal the organisation set (DELETE /api/partnerships/{partner}/goals/{goalId}, with why). */
    @PostMapping("/partnerships/{partner}/goals/{goalId}/withdraw")
    String withdrawGoal(@PathVariable String partner, @PathVariable String goalId,
                        @RequestParam Map<String, String> form, Model model, HttpServletResponse response) {
        String id = safe(partner);
        String goal = safe(goalId);
        try {
            api.delete("/api/partnerships/" + id + "/goals/" + goal,
                    java.util.Collections.singletonMap("reason", blankToNull(form.get("reason"))), null,
                    form.get("idempotencyKey"));
            return "redirect:/partnerships/" + id + "#goals";
        } catch (ApiProblem problem) {
            return refused(id, problem, "withdrawProblem", form, model, response);
        }
    }

    private String refused(String partner, ApiProblem problem, String name, Map<String, String> form, Model model,
                           HttpServletResponse response) {
        if (problem.notFound()) {
            throw problem;
        }
        response.setStatus(problem.status());
        model.addAttribute(name, problem);
        if ("goalProblem".equals(name)) {
            model.addAttribute("goalForm", form);
        }
        return partnership(partner, Map.of(), 0, model);
    }

    /** The target as the API takes it: a percentage as a share, hours as hours; else as typed, for the API to refuse. */
    static Object target(String typed, boolean hours) {
        String value = blankToNull(typed);
        if (value == null) {
            return null;
        }
        try {
            double number = Double.parseDouble(value.replace("%", "").strip());
            return hours ? number : number / 100;
        } catch (NumberFormatException e) {
            return value;
        }
    }

    /** The partnership's figures with the page's filters as CSV: one line per direction, service, priority, month. */
    @GetMapping("/partnerships/{partner}/csv")
    void csv(@PathVariable String partner, @RequestParam Map<String, String> form, HttpServletResponse response) {
        String id = safe(partner);
        api.download("/api/partnerships/" + id, filters(form), MediaType.parseMediaType("text/csv"), download -> {
            HttpHeaders headers = download.headers();
            response.setStatus(200);
            response.setContentType(headers.getContentType() != null ? headers.getContentType().toString()
                    : "text/csv;charset=UTF-8");
            String disposition = headers.getFirst(HttpHeaders.CONTENT_DISPOSITION);
            response.setHeader(HttpHeaders.CONTENT_DISPOSITION, disposition != null ? disposition
                    : "attachment; filename=\"partnership.csv\"");
            response.setHeader("X-Content-Type-Options", "nosniff");
            try {
                download.body().transferTo(response.getOutputStream());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Whether the API measures the earliest offered slot (docs/ANALYTICS.md, "Turnarounds"). */
    static boolean measuresEarliestSlot(Map<String, Object> overview) {
        return overview.get("partnerships") instanceof List<?> all && all.stream()
                .map(p -> PartnershipCharts.map(PartnershipCharts.map(PartnershipCharts.map(p).get("outgoing"))
                        .get("turnarounds")))
                .anyMatch(t -> t.containsKey("sentToEarliestSlot"));
    }

    /** The period of the page's form: months as yyyy-MM, and the loop closure target; the API checks the rest. */
    static Map<String, Object> period(Map<String, String> form) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("from", month(form.get("from")));
        query.put("to", month(form.get("to")));
        String target = form.get("targetDays");
        query.put("targetDays", target == null || target.isBlank() ? null : target.strip());
        return query;
    }

    static Map<String, Object> filters(Map<String, String> form) {
        Map<String, Object> query = period(form);
        query.put("service", blankToNull(form.get("service")));
        String priority = blankToNull(form.get("priority"));
        query.put("priority", priority);
        return query;
    }

    /** A month input's value (yyyy-MM); anything else is passed on for the API to refuse in its words. */
    private static String month(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** The services in the directory, and the one filtered on, by code, with their names. */
    private static Map<String, String> services(List<Map<String, Object>> organisations, String chosen) {
        Map<String, String> services = new TreeMap<>();
        for (Map<String, Object> o : organisations) {
            if (o.get("services") instanceof List<?> offered) {
                for (Object s : offered) {
                    Map<String, Object> service = PartnershipCharts.map(s);
                    Object code = service.get("code");
                    if (code != null) {
                        services.put(code.toString(), String.valueOf(Objects.requireNonNullElse(service.get("name"),
                                code)));
                    }
                }
            }
        }
        if (chosen != null && !chosen.isBlank()) {
            services.putIfAbsent(chosen.strip(), chosen.strip());
        }
        return services;
    }

    private Map<String, String> names() {
        return names(api.list("/api/organisations", Map.of()));
    }

    private static Map<String, String> names(List<Map<String, Object>> organisations) {
        Map<String, String> names = new LinkedHashMap<>();
        for (Map<String, Object> o : organisations) {
            names.put(String.valueOf(o.get("id")), String.valueOf(Objects.requireNonNullElse(o.get("name"),
                    o.get("id"))));
        }
        return names;
    }

    private static String safe(String id) {
        if (id == null || !id.matches(ID)) {
            throw new ApiProblem(404, "Not found", null, new ArrayList<>());
        }
        return id;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
