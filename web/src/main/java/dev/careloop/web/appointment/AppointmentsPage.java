package dev.careloop.web.appointment;

import dev.careloop.web.CareLoopApi;
import dev.careloop.web.Person;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The organisation's appointments: upcoming booked visits (soonest first), the ones handed off to it by another
 * organisation, and proposals whose slots are waiting to be picked.
 */
@Controller
class AppointmentsPage {

    private final CareLoopApi api;

    AppointmentsPage(CareLoopApi api) {
        this.api = api;
    }

    @GetMapping("/appointments")
    String appointments(Model model, @ModelAttribute(name = "person", binding = false) Person person) {
        List<Map<String, Object>> upcoming = items(api.get("/api/appointments", Map.of("status", "booked",
                "from", Instant.now().toString(), "size", 100)));
        upcoming.sort(Comparator.comparing(a -> String.valueOf(slotStart(a))));
        List<Map<String, Object>> handedOff = new ArrayList<>();
        for (Map<String, Object> a : upcoming) {
            if (person.organisation() != null && person.organisation().equals(a.get("performer"))
                    && handedTo(String.valueOf(a.get("appointmentId")), person.organisation())) {
                handedOff.add(a);
            }
        }
        model.addAttribute("upcoming", upcoming);
        model.addAttribute("handedOff", handedOff);
        model.addAttribute("proposals", items(api.get("/api/appointments", Map.of("status", "proposed",
                "size", 100))));
        model.addAttribute("idempotencyKey", CareLoopApi.newIdempotencyKey());
        return "appointments";
    }

    @PostMapping("/appointments/{id}/confirm-slot")
    String confirm(@PathVariable String id, @RequestParam String start, @RequestParam long version,
                   @RequestParam String idempotencyKey) {
        api.post("/api/appointments/" + id + "/confirm-slot", Map.of("start", start), version, idempotencyKey);
        return "redirect:/appointments";
    }

    /** Whether the appointment's history has it handed off to {@code organisation}. */
    private boolean handedTo(String id, String organisation) {
        return api.list("/api/appointments/" + id + "/history", Map.of()).stream()
                .anyMatch(e -> String.valueOf(e.get("event")).equals("AppointmentHandedOff")
                        && String.valueOf(e.get("details")).contains(organisation));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> items(Map<String, Object> page) {
        Object items = page.get("items");
        return items instanceof List<?> list ? new ArrayList<>((List<Map<String, Object>>) list) : new ArrayList<>();
    }

    private static Object slotStart(Map<String, Object> appointment) {
        return appointment.get("slot") instanceof Map<?, ?> slot ? slot.get("start") : "";
    }
}
