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
        model.addAttribute("form", form);
        model.addAttribute("problem", problem);
        // A refused send did nothing: the corrected form is a new request with a new key.
        model.addAttribute("idempotencyKey", CareLoopApi.newIdempotencyKey());
        return "new-referral";
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
