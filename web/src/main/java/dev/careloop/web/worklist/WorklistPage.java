package dev.careloop.web.worklist;

import dev.careloop.api.referral.Priority;
import dev.careloop.api.referral.ReferralStatus;
import dev.careloop.api.referral.ReferralView;
import dev.careloop.web.CareLoopApi;
import dev.careloop.web.referral.Views;
import dev.careloop.web.Htmx;
import dev.careloop.web.Person;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The worklist: the organisation's inbox (received referrals) and outbox (sent ones) with their open counts, filters
 * as a GET form, and a search by patient name, MRN or referral number that is a POST, so no patient detail lands in
 * a URL or an access log.
 */
@Controller
class WorklistPage {

    /** The worklist's filters, bound from the GET form (and carried along by the search POST). */
    public static final class Filters {

        public Filters() {
        }
        private String box = "inbox";
        private List<String> status = new ArrayList<>();
        private String scope = "open";
        private boolean overdue;
        private String priority;
        private String partner;
        private boolean mine;
        private String sort = "due";
        private int page;
        private int size = 20;
        private String q;

        public String getBox() {
            return "outbox".equals(box) ? "outbox" : "inbox";
        }

        public void setBox(String box) {
            this.box = box;
        }

        public List<String> getStatus() {
            return status;
        }

        public void setStatus(List<String> status) {
            this.status = status == null ? new ArrayList<>() : status;
        }

        public String getScope() {
            return "all".equals(scope) ? "all" : "open";
        }

        public void setScope(String scope) {
            this.scope = scope;
        }

        public boolean isOverdue() {
            return overdue;
        }

        public void setOverdue(boolean overdue) {
            this.overdue = overdue;
        }

        public String getPriority() {
            return priority;
        }

        public void setPriority(String priority) {
            this.priority = priority;
        }

        public String getPartner() {
            return partner;
        }

        public void setPartner(String partner) {
            this.partner = partner;
        }

        public boolean isMine() {
            return mine;
        }

        public void setMine(boolean mine) {
            this.mine = mine;
        }

        public String getSort() {
            return "updatedAt".equals(sort) ? "updatedAt" : "due";
        }

        public void setSort(String sort) {
            this.sort = sort;
        }

        public int getPage() {
            return Math.max(0, page);
        }

        public void setPage(int page) {
            this.page = page;
        }

        public int getSize() {
            return size < 1 || size > 200 ? 20 : size;
        }

        public void setSize(int size) {
            this.size = size;
        }

        public String getQ() {
            return q == null || q.isBlank() ? null : q.trim();
        }

        public void setQ(String q) {
            this.q = q;
        }

        /** The REST list's query parameters for these filters. */
        Map<String, Object> query() {
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("box", getBox());
            query.put("status", status);
            query.put("open", "open".equals(getScope()) && status.isEmpty() ? "true" : null);
            query.put("overdue", overdue ? "true" : null);
            query.put("priority", priority);
            query.put("partner", partner);
            query.put("assignedTo", mine ? "me" : null);
            query.put("q", getQ());
            query.put("sort", "due".equals(getSort()) ? "due,asc" : "updatedAt,desc");
            query.put("page", getPage());
            query.put("size", getSize());
            return query;
        }
    }

    /** The part of the page htmx swaps in for a search or its paging. */
    private static final String RESULTS = "worklist :: results";

    private final CareLoopApi api;

    WorklistPage(CareLoopApi api) {
        this.api = api;
    }

    @GetMapping("/")
    String home(Model model) {
        Person person = (Person) model.getAttribute("person");
        // Each role starts where its work is: clinic staff the worklist, officers the console, administrators the
        // partners' health.
        if (person == null || person.clinicStaff()) {
            return "redirect:/worklist";
        }
        return person.compliance() ? "redirect:/compliance" : person.admin() ? "redirect:/admin/partners"
                : "redirect:/directory";
    }

    @GetMapping("/worklist")
    String worklist(@ModelAttribute("filters") Filters filters, Model model) {
        filters.setQ(null);
        return show(filters, model, "worklist");
    }

    /** The search: a POST, so the patient's name or MRN stays out of the URL; htmx swaps only the results. */
    @PostMapping("/worklist/search")
    String search(@ModelAttribute("filters") Filters filters, Model model,
                  HttpServletRequest request) {
        return show(filters, model, Htmx.isHtmx(request) ? RESULTS : "worklist");
    }

    /** The boxes' open counts alone: what the worklist's tabs reload when a notification arrives. */
    @GetMapping("/worklist/counts")
    String counts(@RequestParam(defaultValue = "inbox") String box, Model model) {
        model.addAttribute("box", "outbox".equals(box) ? "outbox" : "inbox");
        counts(model);
        return "worklist :: tabs";
    }

    private void counts(Model model) {
        model.addAttribute("inboxCounts", api.get("/api/referrals/counts", Map.of("box", "inbox")));
        model.addAttribute("outboxCounts", api.get("/api/referrals/counts", Map.of("box", "outbox")));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object item) {
        return (Map<String, Object>) item;
    }

    private String show(Filters filters, Model model, String view) {
        Person person = (Person) model.getAttribute("person");
        model.addAttribute("box", filters.getBox());
        Map<String, Object> referrals = new LinkedHashMap<>(api.get("/api/referrals", filters.query()));
        if (referrals.get("items") instanceof List<?> items) {
            referrals.put("items", items.stream().map(i -> Views.complete(map(i), ReferralView.class)).toList());
        }
        model.addAttribute("referrals", referrals);
        if (view.equals(RESULTS)) {
            // htmx swaps in only the results: the counts and the filters' choices are not drawn, so not asked for
            // (three REST calls of the four, two of them counting the whole box).
            return view;
        }
        counts(model);
        model.addAttribute("statuses", Arrays.asList(ReferralStatus.values()));
        model.addAttribute("priorities", Arrays.stream(Priority.values()).map(Priority::code).toList());
        model.addAttribute("partners", api.list("/api/organisations", Map.of()).stream()
                .filter(o -> person == null || !String.valueOf(o.get("id")).equals(person.organisation())).toList());
        return view;
    }
}
