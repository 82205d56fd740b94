package dev.careloop.web.compliance;

import dev.careloop.web.ApiProblem;
import dev.careloop.web.CareLoopApi;
import dev.careloop.web.Person;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A referral, record or appointment as it was at an instant (folded from the log by the API, never read from the live
 * tables), and what has changed between then and now. Ids and instants are not patient data, so the page is a GET
 * that can be bookmarked.
 */
@Controller
class AsOfPage {

    /** The families the API reconstructs, as the page and the API's paths name them. */
    static final Map<String, String> KINDS = Map.of("referral", "referrals", "record", "records", "appointment",
            "appointments");

    private final CareLoopApi api;
    private final Clock clock = Clock.systemUTC();

    AsOfPage(CareLoopApi api) {
        this.api = api;
    }

    @ModelAttribute
    void officersOnly(@ModelAttribute(name = "person", binding = false) Person person) {
        if (person == null || !person.compliance()) {
            throw new AccessDeniedException("the compliance pages are for compliance officers");
        }
    }

    /** The form of the console: which thing, which instant (UTC, to the second). */
    @PostMapping("/compliance/as-of")
    String find(@RequestParam String kind, @RequestParam String id, @RequestParam(required = false) String at) {
        if (!KINDS.containsKey(kind)) {
            throw new ApiProblem(400, "Choose what to show", null, List.of(new ApiProblem.FieldError("kind",
                    "must be a referral, a record or an appointment")));
        }
        Instant instant = at == null || at.isBlank() ? clock.instant() : instant(at);
        return "redirect:" + UriComponentsBuilder.fromPath("/compliance/as-of/{kind}/{id}")
                .queryParam("at", instant.truncatedTo(ChronoUnit.SECONDS).toString())
                .buildAndExpand(kind, CompliancePage.safeId(id.strip())).encode().toUriString();
    }

    @GetMapping("/compliance/as-of/{kind}/{id}")
    String show(@PathVariable String kind, @PathVariable String id, @RequestParam String at, Model model) {
        String family = KINDS.get(kind);
        if (family == null) {
            throw new ApiProblem(404, "Not found", null, List.of());
        }
        String safe = CompliancePage.safeId(id);
        Instant instant = instant(at);
        Instant now = clock.instant();
        Map<String, Object> then = api.get("/api/audit/" + family + "/" + safe, Map.of("asOf", instant.toString()));
        Map<String, Object> diff = null;
        if (instant.isBefore(now)) {
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("from", instant.toString());
            query.put("to", now.toString());
            diff = api.get("/api/audit/" + family + "/" + safe + "/diff", query);
        }
        model.addAttribute("kind", kind);
        model.addAttribute("id", safe);
        model.addAttribute("at", instant);
        model.addAttribute("atInput", LocalDateTime.ofInstant(instant, ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS)
                .toString());
        model.addAttribute("now", now);
        model.addAttribute("fields", Fields.of(then));
        model.addAttribute("clampedTo", then.get("asOfClampedTo"));
        model.addAttribute("changes", diff == null ? List.of() : changes(diff));
        model.addAttribute("diffed", diff != null);
        return "compliance-as-of";
    }

    /** One changed field: its name and its value then and now, as text. */
    record Change(String field, String then, String now) {
    }

    @SuppressWarnings("unchecked")
    private static List<Change> changes(Map<String, Object> diff) {
        List<Map<String, Object>> changes = (List<Map<String, Object>>) diff.getOrDefault("changes", List.of());
        return changes.stream().map(c -> new Change(String.valueOf(c.get("field")), Fields.shown(c.get("from")),
                Fields.shown(c.get("to")))).toList();
    }

    /** An instant as the form sends it (a local date and time read as UTC) or as a link carries it (ISO-8601). */
    static Instant instant(String value) {
        String v = value.strip();
        try {
            return v.endsWith("Z") || v.matches(".*[+-]\\d\\d:\\d\\d$") ? java.time.OffsetDateTime.parse(v).toInstant()
                    : LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new ApiProblem(400, "Not an instant", "Write the instant like 2026-12-01T09:30 (UTC).",
                    List.of(new ApiProblem.FieldError("at", "must be a date and time")));
        }
    }
}
