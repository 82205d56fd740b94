package dev.careloop.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The figures of each scenario, as a Markdown table for the console, target/fault-figures.md and docs/FAULTS.md. */
final class Figures {

    record Row(String scenario, int clients, long loadSeconds, long requests, long acknowledged, long lost,
               long duplicates, long serverErrors, long unavailable, long noAnswer, double readinessDown,
               double readinessSilent, String recovery, long partnerRepeats) {
    }

    private final List<Row> rows = new ArrayList<>();

    synchronized void add(Row row) {
        rows.add(row);
    }

    synchronized String table() {
        StringBuilder table = new StringBuilder()
                .append("| scenario | clients | load | requests | acknowledged | lost | duplicates | 5xx not 503 "
                        + "| 503 | no answer | readiness DOWN | readiness silent | recovery | partner repeats |\n")
                .append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- "
                        + "| ---: |\n");
        for (Row r : rows) {
            table.append(String.format(Locale.ROOT,
                    "| %s | %d | %d s | %d | %d | %d | %d | %d | %d | %d | %.1f s | %.1f s | %s | %d |%n",
                    r.scenario(), r.clients(), r.loadSeconds(), r.requests(), r.acknowledged(), r.lost(),
                    r.duplicates(), r.serverErrors(), r.unavailable(), r.noAnswer(), r.readinessDown(),
                    r.readinessSilent(), r.recovery(), r.partnerRepeats()));
        }
        return table.toString();
    }

    synchronized void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "# Fault suite figures\n\n" + table());
    }
}
