package dev.careloop.web.referral;

import dev.careloop.api.PatientIdentifierSystems;
import dev.careloop.web.ApiProblem;
import dev.careloop.web.CareLoopApi;
import dev.careloop.web.Htmx;
import dev.careloop.web.Person;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriUtils;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Sending a referral: the recipient from the organisation directory, a service it offers (swapped in by htmx when
 * the recipient changes), the patient by an identifier in one of the person's own organisation's systems, priority
 * and reason. The API decides; its refusals are shown next to the form.
 */
@Controller
class NewReferralPage {

    /** How many recipients the hint names. */
    static final int SOONEST_SHOWN = 5;

    private final CareLoopApi api;
    private final ObjectProvider<PatientIdentifierSystems> identifierSystems;

    NewReferralPage(CareLoopApi api, ObjectProvider<PatientIdentifierSystems> identifierSystems) {
        this.api = api;
        this.identifierSystems = identifierSystems;
    }

    @GetMapping("/referrals/new")
    String form(@RequestParam Map<String, String> form, Model model) {
        return render(form, model, null);
    }

    /** The services of the chosen recipient, for htmx to swap into the form. */
    @GetMapping("/referrals/new/services")
    String services(@RequestParam(required = false) String recipientOrganisation, Model model,
                    HttpServletRequest request) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("recipientOrganisation", recipientOrganisation);
        render(form, model, null);
        return Htmx.isHtmx(request) ? "new-referral :: services" : "new-referral";
    }

    /**
     * The "soonest seen" hint for the chosen service, for htmx to swap in under it: where patients referred for it
     * were seen soonest lately, the chosen recipient marked.
     */
    @GetMapping("/referrals/new/soonest")
    String soonest(@RequestParam(required = false) String service,
                   @RequestParam(required = false) String recipientOrganisation, Model model) {
        Person person = (Person) model.getAttribute("person");
        String own = person == null ? null : person.organisation();
        List<Map<String, Object>> organisations = api.list("/api/organisations", Map.of()).stream()
                .filter(o -> !Objects.equals(o.get("id"), own)).toList();
        hint(service, recipientOrganisation, organisations, model);
        return "new-referral :: soonest";
    }

    @PostMapping("/referrals/new")
    String send(@RequestParam Map<String, String> form, Model model, HttpServletResponse response) {
        Map<String, Object> patient = new LinkedHashMap<>();
        patient.put("identifierSystem", form.get("identifierSystem"));
        patient.put("identifierValue", form.get("identifierValue"));
        patient.put("name", form.get("patientName"));
        patient.put("birthDate", blankToNull(form.get("birthDate")));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("recipientOrganisation", form.get("recipientOrganisation"));
        body.put("patient", patient);
        body.put("priority", form.get("priority"));
        body.put("service", form.get("service"));
        body.put("reason", form.get("reason"));
        body.put("note", blankToNull(form.get("note")));
        try {
            CareLoopApi.Written sent = api.post("/api/referrals", body, null, form.get("idempotencyKey"));
            Object id = sent.body().get("referralId");
            if (id == null && sent.location() != null) {
                id = sent.location().substring(sent.location().lastIndexOf('/') + 1);
            }
            return "redirect:/referrals/" + UriUtils.encodePathSegment(String.valueOf(id), StandardCharsets.UTF_8);
        } catch (ApiProblem problem) {
            response.setStatus(problem.status());
            return render(form, model, problem);
        }
    }

    private String render(Map<String, String> form, Model model, ApiProblem problem) {
        Person person = (Person) model.getAttribute("person");
        String own = person == null ? null : person.organisation();
        List<Map<String, Object>> organisations = api.list("/api/organisations", Map.of()).stream()
                .filter(o -> !Objects.equals(o.get("id"), own)).toList();
        String chosen = form.get("recipientOrganisation");
        List<?> services = organisations.stream().filter(o -> Objects.equals(o.get("id"), chosen)).findFirst()
                .map(o -> o.get("services") instanceof List<?> l ? l : List.of()).orElse(List.of());
        PatientIdentifierSystems systems = identifierSystems.getIfAvailable();
        model.addAttribute("organisations", organisations);
        model.addAttribute("services", services);
        model.addAttribute("identifierSystems", systems == null || own == null ? List.of()
                : systems.ownedBy(own).stream().sorted().toList());
        hint(form.get("service"), chosen, organisations, model);
        model.addAttribute("form", form);
        model.addAttribute("problem", problem);
        // A refused send did nothing: the corrected form is a new request with a new key.
        model.addAttribute("idempotencyKey", CareLoopApi.newIdempotencyKey());
        return "new-referral";
    }

    /**
     * The recipients of referrals for the service, the soonest seen first (GET /api/partnerships/soonest), with the
     * directory's names. Only a hint: when the API has none for this person, the form goes on without it.
     */
    private void hint(String service, String chosen, List<Map<String, Object>> organisations, Model model) {
        if (service == null || service.isBlank()) {
            return;
        }
        Map<String, Object> ranking;
        try {
            ranking = api.get("/api/partnerships/soonest", Map.of("service", service));
        } catch (ApiProblem refused) {
            return;
        }
        Map<String, String> names = new LinkedHashMap<>();
        organisations.forEach(o -> names.put(String.valueOf(o.get("id")), String.valueOf(o.get("name"))));
        List<Map<String, Object>> recipients = new java.util.ArrayList<>();
        if (ranking.get("recipients") instanceof List<?> ranked) {
            for (Object item : ranked) {
                if (!(item instanceof Map<?, ?> r) || recipients.size() == SOONEST_SHOWN) {
                    continue;
                }
                String id = String.valueOf(r.get("organisation"));
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("organisation", id);
                row.put("name", names.getOrDefault(id, id));
                row.put("median", duration(r.get("medianHoursToSeen")));
                row.put("p90", duration(r.get("p90HoursToSeen")));
                // Where the API measures it: how soon a slot was offered.
                row.put("slot", duration(r.get("medianHoursToEarliestSlot")));
                row.put("seen", r.get("seen"));
                row.put("referrals", r.get("referrals"));
                row.put("chosen", id.equals(chosen));
                recipients.add(row);
            }
        }
        model.addAttribute("soonest", recipients);
        model.addAttribute("soonestService", service);
        model.addAttribute("soonestFrom", ranking.get("from"));
    }

    /** Whole hours below 3 days, whole days from there (as the analytics count them); null without any seen. */
    static String duration(Object hours) {
        if (!(hours instanceof Number n)) {
            return null;
        }
        long h = n.longValue();
        if (h == 0) {
            return "under an hour";
        }
        return h < 72 ? h + (h == 1 ? " hour" : " hours") : (h / 24) + " days";
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
