package dev.careloop.web.compliance;

import dev.careloop.web.ApiProblem;
import dev.careloop.web.CareLoopApi;
import dev.careloop.web.Person;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
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
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The compliance console: find a patient (a POST, so an MRN or a name never appears in a URL; the patient's page is
 * then addressed by the pseudonymous platform id), their access history and disclosures, the exports of what the page
 * shows, a search of the whole audit trail and a record's accounting of disclosures. Compliance officers only; the
 * API decides the scope (their organisation, or the whole platform).
 */
@Controller
class CompliancePage {

    /** Ids the console puts in its own URLs: the API's ids (UUIDs, keyed patient ids), nothing else. */
    static final String ID = "[A-Za-z0-9._:-]{1,128}";
    private static final int HISTORY_PAGE = 25;

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
        model.addAttribute("lookup", new LinkedHashMap<String, String>());
        return "compliance";
    }

    /**
     * Finds the patient by MRN (system|value, or a bare MRN of the officer's organisation), platform id, or name and
     * birth date. One patient: their page; several: a choice; none or a malformed question: the form again with the
     * API's words next to the field.
     */
    @PostMapping("/compliance/patients")
    String findPatient(@RequestParam Map<String, String> form, Model model) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("identifier", blankToNull(form.get("identifier")));
        query.put("name", blankToNull(form.get("name")));
        query.put("birthDate", blankToNull(form.get("birthDate")));
        model.addAttribute("filters", new LinkedHashMap<String, String>());
        model.addAttribute("lookup", form);
        try {
            List<?> found = (List<?>) api.get("/api/patients", query).get("items");
            if (found != null && found.size() == 1 && found.get(0) instanceof Map<?, ?> one) {
                return "redirect:/compliance/patients/" + safeId(String.valueOf(one.get("patientId")));
            }
            model.addAttribute("matches", found);
        } catch (ApiProblem refused) {
            if (refused.status() != 400 && refused.status() != 404) {
                throw refused;
            }
            model.addAttribute("lookupProblem", refused);
        }
        return "compliance";
    }

    /**
     * The patient's access history: who read or changed what of theirs, when, for which organisation, in which role,
     * for which purpose, allowed or refused and why; newest first, paged, filtered by period and kind; and every
     * disclosure of their records. The compliance officers' own lookups (this page's among them) are left out unless
     * {@code oversight=true} (the page's checkbox): they are accounted for, but would drown the patient's reads.
     */
    @GetMapping("/compliance/patients/{patientId}")
    String patient(@PathVariable String patientId, @RequestParam(required = false) String view,
                   @RequestParam(required = false) String from, @RequestParam(required = false) String to,
                   @RequestParam(required = false) String oversight,
                   @RequestParam(defaultValue = "0") int page, Model model) {
        String id = safeId(patientId);
        TrailTypes chosen = TrailTypes.of(view);
        Map<String, Object> patient = one(api.get("/api/patients", Map.of("identifier", id)));
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("patient", id);
        query.put("type", chosen.type());
        query.put("from", date("from", from));
        query.put("to", date("to", to));
        query.put("includeOversight", oversight(oversight));
        query.put("sort", "time,desc");
        query.put("page", Math.max(page, 0));
        query.put("size", HISTORY_PAGE);
        Map<String, Object> disclosures = new LinkedHashMap<>();
        disclosures.put("patient", id);
        disclosures.put("from", date("from", from));
        disclosures.put("to", date("to", to));
        model.addAttribute("patient", patient);
        model.addAttribute("patientId", id);
        model.addAttribute("views", TrailTypes.values());
        model.addAttribute("view", chosen);
        model.addAttribute("from", blankToNull(from));
        model.addAttribute("to", blankToNull(to));
        model.addAttribute("oversight", oversight(oversight) ? "true" : null);
        model.addAttribute("history", api.get("/api/audit", query));
        model.addAttribute("disclosures", api.get("/api/audit/disclosures", disclosures));
        return "compliance-patient";
    }

    /** The patient's history as the page shows it (same kind and period), as CSV or a FHIR Bundle of AuditEvents. */
    @GetMapping("/compliance/patients/{patientId}/export")
    void exportPatient(@PathVariable String patientId, @RequestParam(required = false) String view,
                       @RequestParam(required = false) String from, @RequestParam(required = false) String to,
                       @RequestParam(required = false) String oversight,
                       @RequestParam(defaultValue = "csv") String format, HttpServletResponse response) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("patient", safeId(patientId));
        query.put("type", TrailTypes.of(view).type());
        query.put("from", date("from", from));
        query.put("to", date("to", to));
        query.put("includeOversight", oversight(oversight));
        query.put("format", format(format));
        export(query, response);
    }

    @PostMapping("/compliance")
    String search(@RequestParam Map<String, String> form, Model model) {
        model.addAttribute("filters", form);
        model.addAttribute("lookup", new LinkedHashMap<String, String>());
        Map<String, Object> query = searchQuery(form);
        query.put("sort", "time,desc");
        query.put("size", 100);
        model.addAttribute("result", api.get("/api/audit", query));
        return "compliance";
    }

    /** The search's filters exported: a POST like the search itself, so a patient named in it stays out of URLs. */
    @PostMapping("/compliance/export")
    void exportSearch(@RequestParam Map<String, String> form, HttpServletResponse response) {
        Map<String, Object> query = searchQuery(form);
        query.put("format", format(form.get("format")));
        export(query, response);
    }

    /** Who read a record: every disclosure of it, newest first. */
    @GetMapping("/compliance/records/{id}")
    String disclosures(@PathVariable String id, Model model) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("record", safeId(id));
        query.put("type", "RecordDisclosed");
        query.put("sort", "time,desc");
        query.put("size", 200);
        model.addAttribute("recordId", id);
        model.addAttribute("now", java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        model.addAttribute("result", api.get("/api/audit", query));
        return "compliance-record";
    }

    @PostMapping("/compliance/records")
    String findRecord(@RequestParam String record) {
        String id = record.strip();
        return id.matches("[A-Za-z0-9-]{1,64}") ? "redirect:/compliance/records/" + id : "redirect:/compliance";
    }

    private Map<String, Object> searchQuery(Map<String, String> form) {
        Map<String, Object> query = new LinkedHashMap<>();
        for (String name : new String[]{"patient", "user", "organisation", "referral", "record", "appointment",
                "type", "purpose"}) {
            query.put(name, blankToNull(form.get(name)));
        }
        query.put("from", date("from", form.get("from")));
        query.put("to", date("to", form.get("to")));
        return query;
    }

    /** Streams the API's export to the browser as a download. */
    private void export(Map<String, Object> query, HttpServletResponse response) {
        boolean csv = "csv".equals(query.get("format"));
        api.download("/api/audit/export", query, download -> {
            HttpHeaders headers = download.headers();
            response.setStatus(200);
            response.setContentType(headers.getContentType() != null ? headers.getContentType().toString()
                    : csv ? "text/csv" : "application/fhir+json");
            response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"audit-trail."
                    + (csv ? "csv" : "json") + "\"");
            response.setHeader("X-Content-Type-Options", "nosniff");
            try {
                download.body().transferTo(response.getOutputStream());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The history's checkbox: ticked ("true") lists the officers' own lookups; anything else leaves them out. */
    private static boolean oversight(String value) {
        return "true".equals(value);
    }

    private static String format(String value) {
        return "fhir".equals(value) ? "fhir" : "csv";
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> one(Map<String, Object> found) {
        List<?> items = (List<?>) found.get("items");
        return items == null || items.isEmpty() ? Map.of() : (Map<String, Object>) items.get(0);
    }

    /** An id for a URL of the console, or a 404: nothing else is put into the API's paths. */
    static String safeId(String id) {
        if (id == null || !id.matches(ID)) {
            throw new ApiProblem(404, "Not found", null, List.of());
        }
        return id;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** A date from a form as the API takes it (a whole day, UTC), or a 400 naming the field. */
    private static String date(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(value.strip()).toString();
        } catch (java.time.format.DateTimeParseException e) {
            throw new ApiProblem(400, "Not a date", "Dates are written like 2026-12-01.",
                    List.of(new ApiProblem.FieldError(field, "must be a date")));
        }
    }
}
