package dev.careloop.web.partnership;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * A grouped bar chart rendered on the server as SVG: one group of bars per category (a month, a turnaround), one bar
 * per series, a value axis with a few round ticks, and optionally a target drawn as a dashed line with each bar
 * marked as meeting it or not. Accessible without sight or colour: the SVG is an image named by its title and
 * summary, the second series is hatched as well as coloured, a missed target is marked with a cross as well as a
 * colour, and the same figures come as a table ({@link #columns()}, {@link #rows()}). No script, no inline style
 * (the pages' Content-Security-Policy allows neither): colours come from the stylesheet's classes.
 */
public final class BarChart {

    /** A series: its name (the legend's words) and a value per category, null where there is nothing to show. */
    public record Series(String name, List<Double> values) {
    }

    /** A target: the line's value and words, and whether a value at or above it meets it (else at or below). */
    public record Target(double value, String label, boolean atLeast) {

        boolean met(double v) {
            return atLeast ? v >= value - 1e-9 : v <= value + 1e-9;
        }
    }

    /** How values read on the axis and in the table. */
    public enum Scale {
        /** Whole numbers of referrals. */
        COUNT,
        /** Shares from 0 to 1, shown as percentages; the axis always runs to 100 %. */
        SHARE,
        /** Durations in hours, shown in hours below 3 days and in days from there. */
        HOURS
    }

    static final int WIDTH = 720;
    /** Up to this many bars, each has its figure written above it. */
    static final int VALUE_LABELS = 16;
    /** At most this many steps up the value axis. */
    static final int TICKS = 4;
    /** Ticks of a duration axis: whole hours below a day, whole days and weeks above. */
    private static final double[] HOUR_STEPS = {6, 12, 24, 48, 72, 168, 336, 720};
    static final int HEIGHT = 280;
    private static final int LEFT = 56;
    private static final int RIGHT = 16;
    private static final int TOP = 36;
    private static final int BOTTOM = 44;

    private final String id;
    private final String title;
    private final String summary;
    private final String categoryName;
    private final Scale scale;
    private final List<String> categories;
    private final List<Series> series;
    private final Target target;

    /**
     * @param categoryName what a category is, the table's first heading ("Month", "Step")
     * @param target       null for none
     */
    public BarChart(String id, String title, String summary, String categoryName, Scale scale,
                    List<String> categories, List<Series> series, Target target) {
        if (!id.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("a chart id is lower-case letters, digits and dashes: " + id);
        }
        if (series.isEmpty() || series.size() > 2) {
            throw new IllegalArgumentException("one or two series");
        }
        for (Series s : series) {
            if (s.values().size() != categories.size()) {
                throw new IllegalArgumentException("series " + s.name() + " has " + s.values().size()
                        + " values for " + categories.size() + " categories");
            }
        }
        this.id = id;
        this.title = title;
        this.summary = summary;
        this.categoryName = categoryName;
        this.scale = scale;
        this.categories = List.copyOf(categories);
        this.series = List.copyOf(series);
        this.target = target;
    }

    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    public String summary() {
        return summary;
    }

    /** Whether any bar has a value (a chart with none says so instead of drawing empty axes). */
    public boolean hasData() {
        return series.stream().flatMap(s -> s.values().stream()).anyMatch(v -> v != null);
    }

    /** The table alternative's header: the category, then each series (and, with a target, whether it was met). */
    public List<String> columns() {
        List<String> columns = new ArrayList<>();
        columns.add(categoryName);
        for (Series s : series) {
            columns.add(s.name());
            if (target != null) {
                columns.add(s.name() + ": " + target.label());
            }
        }
        return columns;
    }

    /** The table alternative's rows: one per category, values in the axis's words ("none" for no value). */
    public List<List<String>> rows() {
        List<List<String>> rows = new ArrayList<>();
        for (int c = 0; c < categories.size(); c++) {
            List<String> row = new ArrayList<>();
            row.add(categories.get(c));
            for (Series s : series) {
                Double v = s.values().get(c);
                row.add(v == null ? "none" : format(v));
                if (target != null) {
                    row.add(v == null ? "" : target.met(v) ? "met" : "missed");
                }
            }
            rows.add(row);
        }
        return rows;
    }

    /** The chart as an SVG element, ready to be put into the page as it is. */
    public String svg() {
        double max = axisMax();
        int plotWidth = WIDTH - LEFT - RIGHT;
        int plotHeight = HEIGHT - TOP - BOTTOM;
        int baseline = TOP + plotHeight;
        Svg svg = new Svg();
        svg.open("svg", "xmlns", "http://www.w3.org/2000/svg", "viewBox", "0 0 " + WIDTH + " " + HEIGHT,
                "class", "chart-svg", "role", "img", "aria-labelledby", id + "-title " + id + "-desc",
                "id", id + "-svg", "data-bars", String.valueOf(barCount()));
        svg.element("title", svg.text(title), "id", id + "-title");
        svg.element("desc", svg.text(summary), "id", id + "-desc");
        svg.open("defs");
        svg.open("pattern", "id", id + "-hatch", "patternUnits", "userSpaceOnUse", "width", "6", "height", "6",
                "patternTransform", "rotate(45)");
        svg.empty("rect", "width", "6", "height", "6", "class", "hatch-ground");
        svg.empty("line", "x1", "0", "y1", "0", "x2", "0", "y2", "6", "class", "hatch-line");
        svg.close("pattern");
        svg.close("defs");

        // Axis, ticks and grid lines.
        svg.open("g", "class", "axis", "aria-hidden", "true");
        for (double tick : ticks(max)) {
            double y = baseline - tick / max * plotHeight;
            svg.empty("line", "x1", n(LEFT), "x2", n(WIDTH - RIGHT), "y1", n(y), "y2", n(y),
                    "class", tick == 0 ? "baseline" : "grid");
            svg.element("text", svg.text(format(tick)), "x", n(LEFT - 6), "y", n(y + 4), "text-anchor", "end");
        }
        svg.close("g");

        // Bars, one group per category.
        double groupWidth = (double) plotWidth / Math.max(1, categories.size());
        double barWidth = Math.min(28, groupWidth * 0.7 / series.size());
        int labelEvery = Math.max(1, (int) Math.ceil(categories.size() / 12.0));
        // Each bar's figure above it while there is room for the words.
        boolean labelled = categories.size() * series.size() <= VALUE_LABELS;
        svg.open("g", "class", "bars");
        for (int c = 0; c < categories.size(); c++) {
            double groupX = LEFT + c * groupWidth;
            double firstX = groupX + (groupWidth - barWidth * series.size()) / 2;
            for (int s = 0; s < series.size(); s++) {
                Double v = series.get(s).values().get(c);
                if (v == null) {
                    continue;
                }
                // A zero is a sliver on the baseline with its figure above (drawn, not missing) where figures are
                // written; in a crowded chart it is left flat, and the table says 0.
                double h = v == 0 && !labelled ? 0 : Math.max(1.5, v / max * plotHeight);
                double x = firstX + s * barWidth;
                boolean missed = target != null && !target.met(v);
                svg.open("rect", "x", n(x), "y", n(baseline - h), "width", n(barWidth - 2), "height", n(h),
                        "class", "bar series-" + s + (missed ? " missed" : ""),
                        "fill", s == 1 ? "url(#" + id + "-hatch)" : null);
                svg.element("title", svg.text(categories.get(c) + ", " + series.get(s).name() + ": " + format(v)
                        + (target == null ? "" : missed ? " (target missed)" : " (target met)")));
                svg.close("rect");
                double cx = x + (barWidth - 2) / 2;
                if (missed) {
                    double cy = baseline - h - 8;
                    svg.empty("path", "d", "M" + n(cx - 4) + " " + n(cy - 4) + "L" + n(cx + 4) + " " + n(cy + 4)
                            + "M" + n(cx + 4) + " " + n(cy - 4) + "L" + n(cx - 4) + " " + n(cy + 4),
                            "class", "miss-mark");
                }
                if (labelled) {
                    svg.element("text", svg.text(format(v)), "x", n(cx), "y", n(baseline - h - (missed ? 16 : 4)),
                            "text-anchor", "middle", "class", "value", "aria-hidden", "true");
                }
            }
            if (c % labelEvery == 0) {
                String label = categories.get(c);
                String x = n(groupX + groupWidth / 2);
                int arrow = label.indexOf(" → ");
                if (arrow < 0) {
                    svg.element("text", svg.text(label), "x", x, "y", n(baseline + 16), "text-anchor", "middle",
                            "class", "category", "aria-hidden", "true");
                } else {
                    // "Sent → earliest slot" on two lines, so neighbours do not run into each other.
                    svg.open("text", "x", x, "y", n(baseline + 16), "text-anchor", "middle", "class", "category",
                            "aria-hidden", "true");
                    svg.element("tspan", svg.text(label.substring(0, arrow + 2)), "x", x);
                    svg.element("tspan", svg.text(label.substring(arrow + 3)), "x", x, "dy", "13");
                    svg.close("text");
                }
            }
        }
        svg.close("g");

        if (target != null) {
            double y = baseline - Math.min(max, target.value()) / max * plotHeight;
            svg.open("g", "class", "target", "aria-hidden", "true");
            svg.empty("line", "x1", n(LEFT), "x2", n(WIDTH - RIGHT), "y1", n(y), "y2", n(y), "class", "target-line");
            svg.element("text", svg.text(target.label()), "x", n(WIDTH - RIGHT), "y", n(y - 5),
                    "text-anchor", "end", "class", "target-label");
            svg.close("g");
        }

        // Legend: a swatch (solid or hatched) and the series' words.
        svg.open("g", "class", "legend", "aria-hidden", "true");
        double lx = LEFT;
        for (int s = 0; s < series.size(); s++) {
            svg.empty("rect", "x", n(lx), "y", "10", "width", "14", "height", "14", "class", "bar series-" + s,
                    "fill", s == 1 ? "url(#" + id + "-hatch)" : null);
            svg.element("text", svg.text(series.get(s).name()), "x", n(lx + 20), "y", "22");
            lx += 28 + series.get(s).name().length() * 7.2;
        }
        if (target != null) {
            svg.empty("line", "x1", n(lx), "x2", n(lx + 18), "y1", "17", "y2", "17", "class", "target-line");
            svg.element("text", svg.text(target.label() + " (× missed)"), "x", n(lx + 24), "y", "22");
        }
        svg.close("g");
        svg.close("svg");
        return svg.toString();
    }

    int barCount() {
        return (int) series.stream().flatMap(s -> s.values().stream()).filter(v -> v != null).count();
    }

    /** A value in the axis's words: "3", "67 %", "10 h", "4 d". */
    String format(double v) {
        return switch (scale) {
            case COUNT -> v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
            case SHARE -> String.format(Locale.ROOT, "%.0f %%", v * 100);
            case HOURS -> hours(v);
        };
    }

    /** Hours below 3 days, whole days (rounded down, as the analytics buckets are) from there. */
    static String hours(double h) {
        if (h < 72) {
            return String.format(Locale.ROOT, "%.0f h", h);
        }
        return String.format(Locale.ROOT, "%d d", (long) Math.floor(h / 24));
    }

    /** The distance between two ticks: a round number, whole for counts, at most {@link #TICKS} ticks up the axis. */
    private double tickStep() {
        if (scale == Scale.SHARE) {
            return 0.25;
        }
        double most = series.stream().flatMap(s -> s.values().stream()).filter(v -> v != null)
                .mapToDouble(Double::doubleValue).max().orElse(0);
        if (target != null) {
            most = Math.max(most, target.value());
        }
        most = Math.max(most, scale == Scale.HOURS ? 24 : 4);
        if (scale == Scale.HOURS) {
            for (double hours : HOUR_STEPS) {
                if (hours * TICKS >= most) {
                    return hours;
                }
            }
            return niceCeiling(most / TICKS / 24) * 24;
        }
        return Math.max(1, Math.ceil(niceCeiling(most / TICKS)));
    }

    /** The top of the value axis: the first tick at or above the largest value (and the target). */
    private double axisMax() {
        if (scale == Scale.SHARE) {
            return 1.0;
        }
        double step = tickStep();
        double most = series.stream().flatMap(s -> s.values().stream()).filter(v -> v != null)
                .mapToDouble(Double::doubleValue).max().orElse(0);
        if (target != null) {
            most = Math.max(most, target.value());
        }
        return step * Math.max(1, Math.ceil(most / step - 1e-9));
    }

    /** The smallest 1, 2, 2.5 or 5 times a power of ten at or above {@code v}. */
    static double niceCeiling(double v) {
        double power = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[]{1, 2, 2.5, 5, 10}) {
            if (step * power >= v - 1e-9) {
                return step * power;
            }
        }
        return 10 * power;
    }

    private List<Double> ticks(double max) {
        double step = tickStep();
        List<Double> ticks = new ArrayList<>();
        for (int i = 0; i * step <= max + 1e-9; i++) {
            ticks.add(i * step);
        }
        return ticks;
    }

    private static String n(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String n(int v) {
        return String.valueOf(v);
    }
}
