package dev.careloop.web.worklist;

import dev.careloop.web.CareLoopApi;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

import java.util.LinkedHashMap;
import java.util.Map;

/** The worklist: the organisation's inbox (received referrals) and outbox (sent ones), open ones first by due date. */
@Controller
class WorklistPage {

    private final CareLoopApi api;

    WorklistPage(CareLoopApi api) {
        this.api = api;
    }

    @GetMapping("/")
    String home() {
        return "redirect:/worklist";
    }

    @GetMapping("/worklist")
    String worklist(@RequestParam(defaultValue = "inbox") String box, Model model) {
        String shown = "outbox".equals(box) ? "outbox" : "inbox";
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("box", shown);
        query.put("open", "true");
        query.put("sort", "due");
        model.addAttribute("box", shown);
        model.addAttribute("referrals", api.get("/api/referrals", query));
        model.addAttribute("inboxCounts", api.get("/api/referrals/counts", Map.of("box", "inbox")));
        model.addAttribute("outboxCounts", api.get("/api/referrals/counts", Map.of("box", "outbox")));
        return "worklist";
    }
}
