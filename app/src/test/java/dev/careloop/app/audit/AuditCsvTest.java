package dev.careloop.app.audit;

import dev.careloop.query.audit.AuditReadModel;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The CSV export never hands a spreadsheet a formula (OWASP CSV injection), in any column. */
class AuditCsvTest {

    @Test
    void cellsThatASpreadsheetWouldRunAreNeutralisedInEveryColumn() {
        AuditReadModel.Entry entry = new AuditReadModel.Entry(7, "@event", Instant.parse("2026-12-01T10:00:00Z"),
                "=HYPERLINK(\"http://x\")", "+1+1", "record", "-aggregate", 3L, "\treferral", "\rrecord",
                "@appointment", "=patient", "-2-3", "=Dr Evil", "=Dr Evil", "+org", "clinician", "@client", "TREAT",
                "-1-1", null,
                new ObjectMapper().createObjectNode());

        String csv = AuditExportController.csv(List.of(entry));
        String row = csv.split("\r\n")[1];

        assertThat(row).isEqualTo("\"2026-12-01T10:00:00Z\",\"7\",\"'=HYPERLINK(\"\"http://x\"\")\",\"'+1+1\","
                + "\"'-2-3\",\"'=Dr Evil\",\"'+org\",\"'@client\",\"TREAT\",\"'=patient\",\"'\treferral\",\"'\rrecord\","
                + "\"'@appointment\",\"record\",\"'-aggregate\",\"3\",\"'-1-1\",\"'@event\"");
    }

    @Test
    void ordinaryCellsAreLeftAsTheyAre() {
        assertThat(AuditExportController.cell("northside-gp-staff")).isEqualTo("northside-gp-staff");
        assertThat(AuditExportController.cell("")).isEmpty();
        assertThat(AuditExportController.cell("a=b")).isEqualTo("a=b");
    }
}
