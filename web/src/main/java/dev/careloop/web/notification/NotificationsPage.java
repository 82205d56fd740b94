package dev.careloop.web.notification;

import dev.careloop.web.CareLoopApi;
import dev.careloop.web.Person;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The person's notifications: the unread count the header shows, the list with "mark read", and (in
 * {@link NotificationRelay}) the live stream that makes the header update without a reload.
 */
@Controller
class NotificationsPage {

    private final CareLoopApi api;

    NotificationsPage(CareLoopApi api) {
        this.api = api;
    }

    /** The header's unread badge: the count, or nothing when everything is read. */
    @GetMapping("/notifications/badge")
    String badge(Model model, @ModelAttribute(name = "person", binding = false) Person person) {
        // Notifications are for clinic staff (the API refuses anyone else): others have an empty badge.
        Object unread = person != null && person.clinicStaff() ? api.get("/api/notifications/count").get("unread")
                : null;
        model.addAttribute("unread", unread instanceof Number n ? n.longValue() : 0L);
        return "notification-badge";
    }

    @GetMapping("/notifications")
    String list(@RequestParam(defaultValue = "false") boolean unread, @RequestParam(defaultValue = "0") int page,
                Model model) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("unread", unread);
        query.put("page", Math.max(0, page));
        query.put("size", 20);
        model.addAttribute("notifications", api.get("/api/notifications", query));
        model.addAttribute("onlyUnread", unread);
        return "notifications";
    }

    @PostMapping("/notifications/{id}/read")
    String read(@PathVariable String id) {
        api.post("/api/notifications/" + id + "/read", null, null, null);
        return "redirect:/notifications";
    }

    @PostMapping("/notifications/read-all")
    String readAll() {
        api.post("/api/notifications/read-all", null, null, null);
        return "redirect:/notifications";
    }
}
