package dev.careloop.web.referral;

import dev.careloop.web.CareLoopApi;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

import java.util.Map;

/** The organisation directory: who CareLoop knows and the services each offers. */
@Controller
class DirectoryPage {

    private final CareLoopApi api;

    DirectoryPage(CareLoopApi api) {
        this.api = api;
    }

    @GetMapping("/directory")
    String directory(Model model) {
        model.addAttribute("organisations", api.list("/api/organisations", Map.of()));
        return "directory";
    }
}
