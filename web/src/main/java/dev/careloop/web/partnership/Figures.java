package dev.careloop.web.partnership;

import java.util.Locale;

/** How the partnership pages write a figure: a share as a percentage, a duration in hours or days, none as a dash. */
public final class Figures {

    static final Figures INSTANCE = new Figures();
    private static final String NONE = "–";

    public String percent(Object share) {
        return share instanceof Number n ? String.format(Locale.ROOT, "%.0f %%", n.doubleValue() * 100) : NONE;
    }

    public String hours(Object hours) {
        return hours instanceof Number n ? BarChart.hours(n.doubleValue()) : NONE;
    }

    public String number(Object value) {
        if (!(value instanceof Number n)) {
            return NONE;
        }
        double v = n.doubleValue();
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }

    /** Counts by category, as the API gives them ({"capacity": 2}): "capacity 2, other 1", or "none". */
    public String tally(Object counts) {
        if (!(counts instanceof java.util.Map<?, ?> map) || map.isEmpty()) {
            return "none";
        }
        return map.entrySet().stream().map(e -> e.getKey() + " " + number(e.getValue()))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** A balance with its sign: +2 (more sent than received), -1, 0. */
    public String signed(Object value) {
        return value instanceof Number n && n.longValue() > 0 ? "+" + n.longValue() : number(value);
    }
}
