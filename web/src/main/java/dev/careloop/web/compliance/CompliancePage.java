package dev.careloop.web.compliance;

import dev.careloop.web.ApiProblem;
import dev.careloop.web.CareLoopApi;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

import dev.careloop.web.Person;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The compliance console: search the audit trail (the search is a POST, so a patient never appears in a URL) and a
 * record's accounting of disclosures ("who read it"). Compliance officers only; the API decides the scope (their
 * organisation, or the whole platform).
 */
@Controller
class CompliancePage {

    private final CareLoopApi api;

    CompliancePage(CareLoopApi api) {
        this.api = api;
    }

    @ModelAttribute
    void officersOnly(@ModelAttribute(name = "person", binding = false) Person person) {
        if (person == null || !person.compliance()) {
            throw new AccessDeniedException("the compliance pages are for compliance officers");
        }
    }

    @GetMapping("/compliance")
    String console(Model model) {
        model.addAttribute("filters", new LinkedHashMap<String, String>());
        return "compliance";
    }

    @PostMapping("/compliance")
    String search(@RequestParam Map<String, String> form, Model model) {
        Map<String, Object> query = new LinkedHashMap<>();
        for (String name : new String[]{"patient", "user", "organisation", "referral", "record", "appointment",
                "type", "purpose"}) {
            query.put(name, blankToNull(form.get(name)));
        }
        query.put("from", day(form.get("from"), 0));
        query.put("to", day(form.get("to"), 1));
        query.put("sort", "time,desc");
        query.put("size", 100);
        model.addAttribute("filters", form);
        model.addAttribute("result", api.get("/api/audit", query));
        return "compliance";
    }

    /** Who read a record: every disclosure of it, newest first. */
    @GetMapping("/compliance/records/{id}")
    String disclosures(@PathVariable String id, Model model) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("record", id);
        query.put("type", "RecordDisclosed");
        query.put("sort", "time,desc");
        query.put("size", 200);
        model.addAttribute("recordId", id);
        model.addAttribute("result", api.get("/api/audit", query));
        return "compliance-record";
    }

    @PostMapping("/compliance/records")
    String findRecord(@RequestParam String record) {
        String id = record.strip();
        return id.matches("[A-Za-z0-9-]{1,64}") ? "redirect:/compliance/records/" + id : "redirect:/compliance";
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** A date from the form as the instant its day starts (plus {@code days}), in UTC. */
    private static String day(String value, int days) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(value.strip()).plusDays(days).atStartOfDay(ZoneOffset.UTC).toInstant().toString();
        } catch (java.time.format.DateTimeParseException e) {
            throw new ApiProblem(400, "Not a date", "Dates are written like 2026-12-01.",
                    java.util.List.of(new ApiProblem.FieldError(days == 0 ? "from" : "to", "must be a date")));
        }
    }
}
