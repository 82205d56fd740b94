package dev.careloop.web.admin;

import dev.careloop.web.ApiProblem;
import dev.careloop.web.CareLoopApi;
import dev.careloop.web.Htmx;
import dev.careloop.web.Person;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The platform administrator's pages: partner EHRs with their delivery health and dead letters (retry, drop), and the
 * read models: the event processors' dead letters and rebuilds from the log with their progress. Everything goes
 * through the admin API with the administrator's own token, so each action is theirs in the logs.
 */
@Controller
class AdminPages {

    /** Ids and sequences put into the API's paths: what the API hands out, nothing else. */
    private static final String ID = "[A-Za-z0-9._:-]{1,128}";
    /** A rebuild that is still moving; the page follows it until it has switched over or failed. */
    private static final Set<String> MOVING = Set.of("running", "catching-up", "switching");

    private final CareLoopApi api;

    AdminPages(CareLoopApi api) {
        this.api = api;
    }

    @ModelAttribute
    void administratorsOnly(@ModelAttribute(name = "person", binding = false) Person person) {
        if (person == null || !person.admin()) {
            throw new AccessDeniedException("the administration pages are for platform administrators");
        }
    }

    @GetMapping("/admin/partners")
    String partners(Model model) {
        model.addAttribute("partners", api.list("/api/admin/partners", Map.of()));
        return "admin-partners";
    }

    @GetMapping("/admin/partners/{id}")
    String partner(@PathVariable String id, Model model) {
        String partner = safe(id);
        model.addAttribute("partner", api.get("/api/admin/partners/" + partner));
        model.addAttribute("letters", api.list("/api/admin/partners/" + partner + "/dead-letters", Map.of()));
        return "admin-partner";
    }

    /** Retries the referral's queue this letter is in; the outcome (delivered, failed again) is said on the page. */
    @PostMapping("/admin/partners/{id}/dead-letters/{letterId}/retry")
    String retryLetter(@PathVariable String id, @PathVariable String letterId, RedirectAttributes flash) {
        String partner = safe(id);
        Map<String, Object> outcome = api.post("/api/admin/partners/" + partner + "/dead-letters/" + safe(letterId)
                + "/retry", null, null, null).body();
        flash.addFlashAttribute("done", "Dead letter " + letterId + ": " + outcome.get("outcome") + ".");
        return "redirect:/admin/partners/" + partner;
    }

    /** Drops a letter for good: the form asks the administrator to confirm that the partner will never get it. */
    @PostMapping("/admin/partners/{id}/dead-letters/{letterId}/drop")
    String dropLetter(@PathVariable String id, @PathVariable String letterId,
                      @RequestParam(defaultValue = "false") boolean confirmed, RedirectAttributes flash) {
        String partner = safe(id);
        requireConfirmation(confirmed);
        api.delete("/api/admin/partners/" + partner + "/dead-letters/" + safe(letterId), null, null);
        flash.addFlashAttribute("done", "Dead letter " + letterId + " dropped: " + partner
                + " will not receive that change.");
        return "redirect:/admin/partners/" + partner;
    }

    @GetMapping("/admin/read-models")
    String readModels(Model model) {
        model.addAttribute("readModels", api.list("/api/admin/read-models", Map.of()));
        model.addAttribute("rebuilds", api.list("/api/admin/rebuilds", Map.of()));
        List<Map<String, Object>> deadLetters = api.list("/api/admin/dead-letters", Map.of());
        model.addAttribute("deadLetters", deadLetters);
        model.addAttribute("deadSequences", deadLetters.stream().mapToLong(g -> g.get("sequences") instanceof List<?> l
                ? l.size() : 0).sum());
        return "admin-read-models";
    }

    @PostMapping("/admin/read-models/dead-letters/{group}/{sequence}/retry")
    String retrySequence(@PathVariable String group, @PathVariable String sequence, RedirectAttributes flash) {
        Map<String, Object> outcome = api.post("/api/admin/dead-letters/" + safe(group) + "/" + safe(sequence)
                + "/retry", null, null, null).body();
        flash.addFlashAttribute("done", "Sequence " + sequence + " of " + group + ": " + outcome.get("outcome") + ".");
        return "redirect:/admin/read-models";
    }

    @PostMapping("/admin/read-models/dead-letters/{group}/{sequence}/drop")
    String dropSequence(@PathVariable String group, @PathVariable String sequence,
                        @RequestParam(defaultValue = "false") boolean confirmed, RedirectAttributes flash) {
        requireConfirmation(confirmed);
        api.delete("/api/admin/dead-letters/" + safe(group) + "/" + safe(sequence), null, null);
        flash.addFlashAttribute("done", "Sequence " + sequence + " of " + group + " given up: the read model will "
                + "not get its events.");
        return "redirect:/admin/read-models";
    }

    /** Starts a rebuild of the chosen groups and follows it on its own page. */
    @PostMapping("/admin/rebuilds")
    String rebuild(@RequestParam(name = "group", required = false) List<String> groups) {
        if (groups == null || groups.isEmpty()) {
            throw new ApiProblem(400, "Choose what to rebuild", null, List.of(new ApiProblem.FieldError("group",
                    "choose at least one read model")));
        }
        Map<String, Object> started = api.post("/api/admin/rebuilds", Map.of("groups", groups), null, null).body();
        return "redirect:/admin/rebuilds/" + safe(String.valueOf(started.get("id")));
    }

    /** A rebuild's progress; htmx asks again every two seconds while it is moving, for the progress part only. */
    @GetMapping("/admin/rebuilds/{id}")
    String rebuildProgress(@PathVariable String id, Model model, HttpServletRequest request) {
        Map<String, Object> rebuild = api.get("/api/admin/rebuilds/" + safe(id));
        model.addAttribute("rebuild", rebuild);
        model.addAttribute("moving", MOVING.contains(String.valueOf(rebuild.get("state"))));
        return Htmx.isHtmx(request) ? "admin-rebuild :: progress" : "admin-rebuild";
    }

    private static void requireConfirmation(boolean confirmed) {
        if (!confirmed) {
            throw new ApiProblem(400, "Not dropped", "Tick the box to confirm: a dropped letter is never delivered.",
                    List.of(new ApiProblem.FieldError("confirmed", "must be ticked to drop")));
        }
    }

    private static String safe(String id) {
        if (id == null || !id.matches(ID)) {
            throw new ApiProblem(404, "Not found", null, List.of());
        }
        return id;
    }
}
