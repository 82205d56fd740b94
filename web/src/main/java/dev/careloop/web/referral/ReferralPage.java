package dev.careloop.web.referral;

import dev.careloop.api.referral.Assignee;
import dev.careloop.api.referral.ReasonCategory;
import dev.careloop.api.referral.ReferralView;
import dev.careloop.web.ApiProblem;
import dev.careloop.web.CareLoopApi;
import dev.careloop.web.Person;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriUtils;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One referral: what it is about, everything that happened to it, and the steps the person may take now, exactly
 * those the API's view lists in {@code allowedActions}. Each step is a small form that posts here and is sent to the
 * REST route with the version the page showed (If-Match) and the key the form was rendered with (Idempotency-Key).
 */
@Controller
class ReferralPage {

    /** Steps whose REST route takes no body. */
    private static final Set<String> BARE = Set.of("accept", "no-show", "confirm-cancellation",
            "acknowledge-outcome");
    /** Steps whose body is only a reason. */
    private static final Set<String> WITH_REASON = Set.of("decline", "request-cancellation", "cancel-appointment");

    private final CareLoopApi api;
    private final When when;

    ReferralPage(CareLoopApi api, When when) {
        this.api = api;
        this.when = when;
    }

    @GetMapping("/referrals/{id}")
    String show(@PathVariable String id, Model model) {
        return render(id, model, null, null, Map.of());
    }

    @PostMapping("/referrals/{id}/{action}")
    String act(@PathVariable String id, @PathVariable String action, @RequestParam Map<String, String> form,
               Model model, HttpServletResponse response) {
        Long version = number(form.get("version"));
        String key = form.get("idempotencyKey");
        String path = "/api/referrals/" + UriUtils.encodePathSegment(id, StandardCharsets.UTF_8);
        try {
            if ("unassign".equals(action)) {
                api.delete(path + "/assignment", version, key);
            } else {
                String route = "assign".equals(action) ? "/assignment" : "/" + action;
                api.post(path + route, body(action, form, (Person) model.getAttribute("person")), version, key);
            }
        } catch (ApiProblem problem) {
            if (problem.notFound()) {
                throw problem;
            }
            response.setStatus(problem.status());
            // A stale If-Match (409 from the API): the page shows what changed since the version it showed.
            return render(id, model, problem, problem.stale() ? version : null, form);
        }
        return "redirect:/referrals/" + UriUtils.encodePathSegment(id, StandardCharsets.UTF_8);
    }

    /** The REST body of {@code action} from the form's fields; an unknown action is nothing this page offers. */
    private Object body(String action, Map<String, String> form, Person person) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (BARE.contains(action)) {
            return null;
        }
        if ("decline".equals(action)) {
            reasonWithCategory(body, form);
            return body;
        }
        if (WITH_REASON.contains(action)) {
            body.put("reason", form.get("reason"));
            return body;
        }
        switch (action) {
            case "forward" -> {
                body.put("toOrganisation", form.get("toOrganisation"));
                reasonWithCategory(body, form);
            }
            case "request-information" -> body.put("question", form.get("question"));
            case "provide-information" -> body.put("answer", form.get("answer"));
            case "schedule", "reschedule" -> {
                body.put("start", when.fromLocal(form.get("start")));
                body.put("end", when.fromLocal(form.get("end")));
                body.put("location", form.get("location"));
                body.put("reason", blankToNull(form.get("reason")));
            }
            case "interim-note" -> body.put("note", form.get("note"));
            case "outcome" -> body.put("report", form.get("report"));
            case "refer-back" -> {
                body.put("priority", form.get("priority"));
                body.put("service", form.get("service"));
                body.put("reason", form.get("reason"));
            }
            case "assign" -> {
                String subject = blankToNull(form.get("assignee"));
                Assignee chosen = subject == null && person != null ? new Assignee(person.subject(), person.name())
                        : candidates(person).stream()
                        .filter(c -> c.subject().equals(subject)).findFirst().orElse(new Assignee(subject, null));
                body.put("assignee", chosen.subject());
                body.put("assigneeName", chosen.name());
            }
            default -> throw new ApiProblem(404, "Not found", null, List.of());
        }
        return body;
    }

    /**
     * The page as the API shows the referral now. After a stale edit, {@code hadVersion} is the version the person's
     * page showed: the timeline entries written since are what someone else changed.
     */
    private String render(String id, Model model, ApiProblem problem, Long hadVersion, Map<String, String> form) {
        String path = "/api/referrals/" + UriUtils.encodePathSegment(id, StandardCharsets.UTF_8);
        Map<String, Object> referral = Views.complete(api.get(path), ReferralView.class);
        List<Map<String, Object>> timeline = api.list(path + "/timeline", Map.of()).stream()
                .map(e -> Views.completeKeys(e, Views.TIMELINE)).toList();
        model.addAttribute("referral", referral);
        model.addAttribute("timeline", timeline);
        model.addAttribute("actions", referral.get("allowedActions") instanceof List<?> l ? l : List.of());
        model.addAttribute("idempotencyKey", CareLoopApi.newIdempotencyKey());
        model.addAttribute("problem", problem);
        model.addAttribute("form", form);
        model.addAttribute("partners", api.list("/api/organisations", Map.of()));
        model.addAttribute("categories", ReasonCategory.values());
        model.addAttribute("candidates", ((List<?>) model.getAttribute("actions")).contains("assign")
                ? candidates((Person) model.getAttribute("person")) : List.of());
        if (hadVersion != null && referral.get("version") instanceof Number now && now.longValue() != hadVersion) {
            // Versions count events from 1; an event's timeline sequence counts from 0.
            model.addAttribute("changes", timeline.stream()
                    .filter(e -> e.get("sequence") instanceof Number n && n.longValue() >= hadVersion).toList());
        }
        return "referral";
    }

    /**
     * Whom the referral can be assigned to: the person themself, then the clinicians of their organisation in the
     * persons directory (those its identity provider knows and those who have acted for it).
     */
    private List<Assignee> candidates(Person person) {
        Map<String, Assignee> found = new LinkedHashMap<>();
        if (person != null) {
            found.put(person.subject(), new Assignee(person.subject(), person.name()));
        }
        for (Map<String, Object> p : api.list("/api/persons", Map.of("role", "clinician"))) {
            if (p.get("subject") != null && p.get("name") != null) {
                found.putIfAbsent(p.get("subject").toString(), new Assignee(p.get("subject").toString(),
                        p.get("name").toString()));
            }
        }
        return List.copyOf(found.values());
    }

    private static Long number(String value) {
        try {
            return value == null || value.isBlank() ? null : Long.valueOf(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A decline's or a forward's reason, with its category (docs/ANALYTICS.md) when one was chosen. */
    static void reasonWithCategory(Map<String, Object> body, Map<String, String> form) {
        body.put("reason", form.get("reason"));
        String category = blankToNull(form.get("category"));
        if (category != null) {
            body.put("category", category);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
