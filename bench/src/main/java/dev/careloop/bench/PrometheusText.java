package dev.careloop.bench;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the two facts the report needs (Java version, maximum heap) from Prometheus text exposition. */
final class PrometheusText {

    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private PrometheusText() {
    }

    static String describeJvm(String exposition) {
        String version = "Java ?";
        double heapMax = 0;
        for (String line : exposition.split("\n")) {
            if (line.startsWith("jvm_info{")) {
                version = "Java " + label(line, "version") + " (" + label(line, "vendor") + ")";
            } else if (line.startsWith("jvm_memory_max_bytes{") && "heap".equals(label(line, "area"))) {
                double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                if (value > 0) {
                    heapMax += value;
                }
            }
        }
        return heapMax > 0 ? version + ", max heap ~" + Math.round(heapMax / (1024 * 1024)) + " MiB" : version;
    }

    private static String label(String line, String name) {
        Matcher m = LABEL.matcher(line.substring(line.indexOf('{'), line.lastIndexOf('}') + 1));
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return m.group(2);
            }
        }
        return "?";
    }
}
