package dev.careloop.app.audit;

import dev.careloop.api.Patient;
import dev.careloop.query.CsvCells;
import dev.careloop.query.audit.AuditReadModel;
import dev.careloop.query.patient.PatientLookup;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

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

        String csv = AuditExportController.csv(List.of(entry), id -> Optional.of(new PatientLookup.Found(id,
                "https://northside-gp.example/mrn", "NG-7", "=cmd|' /C calc'!A0", LocalDate.of(1975, 2, 1))));
        String row = csv.split("\r\n")[1];

        assertThat(row).isEqualTo("\"2026-12-01T10:00:00Z\",\"7\",\"'=HYPERLINK(\"\"http://x\"\")\",\"'+1+1\","
                + "\"'-2-3\",\"'=Dr Evil\",\"'+org\",\"'@client\",\"TREAT\",\"'=patient\",\"'=cmd|' /C calc'!A0\","
                + "\"https://northside-gp.example/mrn|NG-7\",\"'\treferral\",\"'\rrecord\","
                + "\"'@appointment\",\"record\",\"'-aggregate\",\"3\",\"'-1-1\",\"'@event\",\"\",\"\",\"\",\"\","
                + "\"\",\"\"");
    }

    @Test
    void theCsvNamesThePatientByNameAndMrnUntilTheyAreErased() {
        AuditReadModel.Entry entry = new AuditReadModel.Entry(8, "e-8", Instant.parse("2026-12-01T10:00:00Z"),
                "ReferralSent", "sent", "referral", "r-1", 0L, "r-1", null, null, "p-1", "dr-a", "Dr A", "Dr A",
                "northside-gp", "clinician", null, "TREAT", "req-1", null, new ObjectMapper().createObjectNode());
        String header = AuditExportController.csv(List.of(), id -> Optional.empty()).trim();

        String known = AuditExportController.csv(List.of(entry), id -> Optional.of(new PatientLookup.Found(id,
                "https://northside-gp.example/mrn", "NG-7", "Kim Lee", LocalDate.of(1975, 2, 1)))).split("\r\n")[1];
        String erased = AuditExportController.csv(List.of(entry), id -> Optional.of(new PatientLookup.Found(id,
                Patient.ERASED_SYSTEM, Patient.ERASED_NAME, Patient.ERASED_NAME, null))).split("\r\n")[1];

        assertThat(header).contains("\"patientId\",\"patientName\",\"patientIdentifier\"");
        assertThat(known).contains("\"p-1\",\"Kim Lee\",\"https://northside-gp.example/mrn|NG-7\"");
        assertThat(erased).contains("\"p-1\",\"(erased)\",\"\"").doesNotContain("NG-7");
    }

    @Test
    void aReadOfPatientDataIsARowSayingWhatWasReadHowAndWhetherItWasAllowed() {
        ObjectMapper json = new ObjectMapper();
        var read = json.createObjectNode().put("action", "R").put("channel", "fhir").put("resourceType", "Task")
                .put("resourceId", "r-1").put("outcome", "allowed").putNull("reason").putNull("query");
        read.putArray("returnedIds");
        var search = json.createObjectNode().put("action", "E").put("channel", "rest").put("resourceType", "Referral")
                .putNull("resourceId").put("outcome", "allowed").putNull("reason").put("query", "q=-Lee&box=inbox");
        search.putArray("returnedIds").add("r-1").add("r-2");
        var refused = json.createObjectNode().put("action", "R").put("channel", "rest")
                .put("resourceType", "Referral").put("resourceId", "r-1").put("outcome", "refused")
                .put("reason", "lakeside-cardio takes no part in this referral").putNull("query");
        refused.putArray("returnedIds");

        String[] rows = AuditExportController.csv(List.of(
                access(1, "p-1", "riverside-ehr", read), access(2, "p-1", "dr-a", search),
                access(3, null, "dr-c", refused)), id -> Optional.empty()).split("\r\n");

        assertThat(rows[1]).startsWith("\"2026-12-01T10:00:00Z\",\"1\",\"ReadAccess\"")
                .endsWith("\"allowed\",\"\",\"R\",\"fhir\",\"\",\"\"");
        assertThat(rows[2]).endsWith("\"allowed\",\"\",\"E\",\"rest\",\"q=-Lee&box=inbox\",\"r-1 r-2\"");
        assertThat(rows[3]).endsWith("\"refused\",\"lakeside-cardio takes no part in this referral\",\"R\","
                + "\"rest\",\"\",\"\"");
    }

    @Test
    void aRefusedRecordReadIsARefusedRowWithItsReason() {
        AuditReadModel.Entry denied = new AuditReadModel.Entry(9, "e-9", Instant.parse("2026-12-01T10:00:00Z"),
                "RecordAccessDenied", "refused", "record", "rec-1", null, null, "rec-1", null, null, "dr-c", null,
                "dr-c", "lakeside-cardio", "clinician", null, "TREAT", "req-2", null,
                new ObjectMapper().createObjectNode().put("reason", "not shared"));

        String row = AuditExportController.csv(List.of(denied), id -> Optional.empty()).split("\r\n")[1];

        assertThat(row).endsWith("\"e-9\",\"refused\",\"not shared\",\"\",\"\",\"\",\"\"");
    }

    private static AuditReadModel.Entry access(long position, String patientId, String user,
                                               tools.jackson.databind.JsonNode details) {
        return new AuditReadModel.Entry(position, "access-" + position, Instant.parse("2026-12-01T10:00:00Z"),
                "ReadAccess", "read", details.get("resourceType").asString(), details.get("resourceId").asString(),
                null, null, null, null, patientId, user, null, user, "riverside-derm", "clinician", null, "TREAT",
                "req-" + position, null, details);
    }

    @Test
    void ordinaryCellsAreLeftAsTheyAre() {
        assertThat(CsvCells.cell("northside-gp-staff")).isEqualTo("northside-gp-staff");
        assertThat(CsvCells.cell("")).isEmpty();
        assertThat(CsvCells.cell("a=b")).isEqualTo("a=b");
    }
}
