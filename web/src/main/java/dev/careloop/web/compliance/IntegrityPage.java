package dev.careloop.web.compliance;

import dev.careloop.web.CareLoopApi;
import dev.careloop.web.Person;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.util.Map;

/**
 * Whether the log and the access log are intact (the API recomputes both chains on every visit: from the newest
 * trusted checkpoint, or from the start when asked), and the signed checkpoints. Compliance officers and
 * administrators; an administrator may also sign a checkpoint now.
 */
@Controller
class IntegrityPage {

    private final CareLoopApi api;

    IntegrityPage(CareLoopApi api) {
        this.api = api;
    }

    @ModelAttribute
    void officersAndAdministrators(@ModelAttribute(name = "person", binding = false) Person person) {
        if (person == null || !person.verifiesTheLog()) {
            throw new AccessDeniedException("log integrity is for compliance officers and administrators");
        }
    }

    @GetMapping("/integrity")
    String integrity(@RequestParam(defaultValue = "false") boolean full, Model model) {
        model.addAttribute("full", full);
        model.addAttribute("verification", api.get("/api/audit/log/verify", Map.of("full", full)));
        model.addAttribute("checkpoints", api.list("/api/audit/log/checkpoints", Map.of("limit", 20)));
        return "integrity";
    }

    @PostMapping("/integrity/checkpoints")
    String sign(@ModelAttribute(name = "person", binding = false) Person person, RedirectAttributes flash) {
        if (!person.admin()) {
            throw new AccessDeniedException("only administrators sign checkpoints");
        }
        Map<String, Object> signed = api.post("/api/admin/ledger/checkpoints", null, null, null).body();
        Object checkpoint = signed.get("checkpoint");
        flash.addFlashAttribute("signed", checkpoint instanceof Map<?, ?> c
                ? "Checkpoint signed at chain position " + c.get("position") + "."
                : "Nothing new to sign: " + signed.get("summary"));
        return "redirect:/integrity";
    }
}
