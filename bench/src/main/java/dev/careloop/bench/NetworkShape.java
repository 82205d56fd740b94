package dev.careloop.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The network the analytics benchmark seeds: {@code organisations} organisations (the three demo ones first, so
 * that demo tokens read it), each sending to {@code partners} others spread around the network, each receiving for
 * the three services of its specialty (general practice, dermatology or cardiology, by position, as the demo ones
 * are), and the mix of priorities. Pure arithmetic, so the SQL that seeds it and the tests agree on it.
 */
record NetworkShape(List<String> organisations, int partners) {

    static final List<String> DEMO = List.of("northside-gp", "riverside-derm", "lakeside-cardio");

    /** The services each specialty receives for, the demo directory's codes (application-local.yml). */
    static final List<List<String>> SERVICES = List.of(
            List.of("gp-review", "chronic-disease-review"),
            List.of("dermatology-consultation", "dermatology-opinion", "skin-lesion-two-week-wait"),
            List.of("cardiology-assessment", "cardiology-review", "echocardiogram"));

    /** Priorities and the share of referrals below each one's upper bound (cumulative). */
    static final List<String> PRIORITIES = List.of("routine", "urgent", "asap", "stat");
    static final List<Double> PRIORITY_UPTO = List.of(0.70, 0.90, 0.98, 1.0);

    NetworkShape {
        if (organisations.size() < 2 || partners < 1 || partners >= organisations.size()) {
            throw new IllegalArgumentException("a network of " + organisations.size() + " organisations cannot give "
                    + "each " + partners + " partners");
        }
        organisations = List.copyOf(organisations);
    }

    /** The demo organisations and then bench-org-04, bench-org-05... up to {@code count}. */
    static NetworkShape of(int count, int partners) {
        List<String> ids = new ArrayList<>(DEMO.subList(0, Math.min(count, DEMO.size())));
        for (int i = ids.size() + 1; ids.size() < count; i++) {
            ids.add(String.format("bench-org-%02d", i));
        }
        return new NetworkShape(ids, partners);
    }

    /**
     * The distance from a sender to its k-th partner (k from 0): 1, 1 + step, 1 + 2 step... with the step spreading
     * the partners over the network; never 0 (no organisation is its own partner) and all different.
     */
    int offset(int k) {
        int step = Math.max(1, (organisations.size() - 1) / partners);
        return 1 + k * step;
    }

    /** The recipient (its index) of sender {@code sender}'s k-th partner. */
    int recipient(int sender, int k) {
        return (sender + offset(k)) % organisations.size();
    }

    /** The specialty of an organisation by position: 0 general practice, 1 dermatology, 2 cardiology. */
    static int specialty(int organisation) {
        return organisation % SERVICES.size();
    }

    /** The service of recipient {@code organisation} for a uniform draw in [0, 1): one of its specialty's. */
    static String service(int organisation, double draw) {
        List<String> offered = SERVICES.get(specialty(organisation));
        return offered.get(Math.min(offered.size() - 1, (int) Math.floor(draw * offered.size())));
    }

    /** Every specialty's services one after another (a SQL array), with {@link #serviceStarts} and counts. */
    static List<String> flatServices() {
        return SERVICES.stream().flatMap(List::stream).toList();
    }

    /** Where each specialty's services start in {@link #flatServices} (0-based). */
    static List<Integer> serviceStarts() {
        List<Integer> starts = new ArrayList<>();
        int at = 0;
        for (List<String> offered : SERVICES) {
            starts.add(at);
            at += offered.size();
        }
        return starts;
    }

    static List<Integer> serviceCounts() {
        return SERVICES.stream().map(List::size).toList();
    }

    /** The priority of a uniform draw in [0, 1). */
    static String priority(double draw) {
        for (int i = 0; i < PRIORITIES.size(); i++) {
            if (draw < PRIORITY_UPTO.get(i)) {
                return PRIORITIES.get(i);
            }
        }
        return PRIORITIES.get(PRIORITIES.size() - 1);
    }

    /** Which senders send to {@code recipient}: the organisations (indexes) that have it as a partner. */
    List<Integer> sendersTo(int recipient) {
        List<Integer> senders = new ArrayList<>();
        for (int s = 0; s < organisations.size(); s++) {
            for (int k = 0; k < partners; k++) {
                if (recipient(s, k) == recipient) {
                    senders.add(s);
                }
            }
        }
        return senders;
    }

    /** The SQL CASE that turns a uniform draw (the expression {@code draw}) into a priority, as {@link #priority}. */
    static String priorityCase(String draw) {
        StringBuilder sql = new StringBuilder("CASE");
        for (int i = 0; i < PRIORITIES.size() - 1; i++) {
            sql.append(" WHEN ").append(draw).append(" < ").append(PRIORITY_UPTO.get(i)).append(" THEN '")
                    .append(PRIORITIES.get(i)).append('\'');
        }
        return sql.append(" ELSE '").append(PRIORITIES.get(PRIORITIES.size() - 1)).append("' END").toString();
    }
}
