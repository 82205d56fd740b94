package dev.careloop.fhir.directory;

import dev.careloop.api.Patient;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Patients as FHIR R4 {@code Patient/{platform patient id}}, as one organisation knows them: the names, birth date and
 * MRNs of the referrals, records and appointments it takes part in (the read models' rows, read by SQL: the adapter
 * never imports the query side). Whether the organisation may know the patient at all is the facade's own index: a
 * resource about the patient that the organisation sees. An erased patient is a Patient with no identity.
 */
@Component
public class FhirPatients {

    // The rows of the read models that name the patient and that the organisation takes part in, newest first.
    private static final String KNOWN_AS = """
            SELECT patient_identifier_system, patient_identifier_value, patient_name, patient_birth_date, updated_at
              FROM referral_view WHERE patient_id = ? AND participants @> ARRAY[?]::text[]
            UNION ALL
            SELECT patient_identifier_system, patient_identifier_value, patient_name, patient_birth_date, updated_at
              FROM record_view v WHERE patient_id = ? AND (author_org = ? OR EXISTS (SELECT 1 FROM record_grant g
                   WHERE g.record_id = v.record_id AND g.organisation = ?))
            UNION ALL
            SELECT patient_identifier_system, patient_identifier_value, patient_name, patient_birth_date, updated_at
              FROM appointment_view WHERE patient_id = ? AND participants @> ARRAY[?]::text[]
            ORDER BY updated_at DESC""";

    private record Row(String system, String value, String name, LocalDate birthDate) {
        boolean erased() {
            return Patient.ERASED_SYSTEM.equals(system);
        }
    }

    private final JdbcTemplate jdbc;

    public FhirPatients(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Whether {@code organisation} sees a referral, record or appointment about the patient on {@code /fhir} (each
     * aggregate's main resource is indexed with its patient).
     */
    public boolean knownTo(String patientId, String organisation) {
        Boolean known = jdbc.queryForObject("""
                SELECT EXISTS (SELECT 1 FROM fhir_resource_index
                                WHERE resource_type IN ('ServiceRequest', 'DocumentReference', 'Appointment')
                                  AND patient = ? AND ? = ANY(organisations))""", Boolean.class, patientId, organisation);
        return Boolean.TRUE.equals(known);
    }

    /** The patient as {@code organisation} knows them; empty when it takes part in nothing about them. */
    public Optional<org.hl7.fhir.r4.model.Patient> read(String patientId, String organisation) {
        if (patientId == null || organisation == null || !knownTo(patientId, organisation)) {
            return Optional.empty();
        }
        List<Row> rows = jdbc.query(KNOWN_AS, (rs, i) -> {
            Date birth = rs.getDate("patient_birth_date");
            return new Row(rs.getString("patient_identifier_system"), rs.getString("patient_identifier_value"),
                    rs.getString("patient_name"), birth == null ? null : birth.toLocalDate());
        }, patientId, organisation, patientId, organisation, organisation, patientId, organisation);
        // No row yet (the read models follow the log): nothing to say rather than a patient who seems erased.
        return rows.isEmpty() ? Optional.empty() : Optional.of(patient(patientId, rows));
    }

    private static org.hl7.fhir.r4.model.Patient patient(String patientId, List<Row> rows) {
        org.hl7.fhir.r4.model.Patient patient = new org.hl7.fhir.r4.model.Patient();
        patient.setId(patientId);
        // Erasure reaches every read model; one row that says so is enough to show nothing of the rest.
        if (rows.stream().anyMatch(Row::erased)) {
            return patient;
        }
        List<String> seen = new ArrayList<>();
        for (Row row : rows) {
            String key = row.system() + "|" + row.value();
            if (row.system() != null && row.value() != null && !seen.contains(key)) {
                seen.add(key);
                patient.addIdentifier(new Identifier().setUse(Identifier.IdentifierUse.USUAL)
                        .setSystem(row.system()).setValue(row.value()));
            }
        }
        Row newest = rows.get(0);
        if (newest.name() != null && !newest.name().isBlank()) {
            patient.addName(name(newest.name()));
        }
        rows.stream().map(Row::birthDate).filter(d -> d != null).findFirst()
                .ifPresent(d -> patient.setBirthDateElement(new DateType(d.toString())));
        return patient;
    }

    /**
     * The patient as a resource names them ({@code reference}: identifier and display), for a push whose Patient the
     * read models cannot say more of yet: what the partner receives in the resource anyway, and no more.
     */
    public static org.hl7.fhir.r4.model.Patient named(String patientId, Reference reference) {
        org.hl7.fhir.r4.model.Patient patient = new org.hl7.fhir.r4.model.Patient();
        patient.setId(patientId);
        Identifier identifier = reference.getIdentifier();
        if (identifier.hasSystem() && !Patient.ERASED_SYSTEM.equals(identifier.getSystem())) {
            patient.addIdentifier(identifier.copy().setUse(Identifier.IdentifierUse.USUAL));
            if (reference.hasDisplay() && !Patient.ERASED_NAME.equals(reference.getDisplay())) {
                patient.addName(name(reference.getDisplay()));
            }
        }
        return patient;
    }

    /** The name as the referral gave it, one string: its last word as the family name, for clients that sort. */
    static HumanName name(String text) {
        String trimmed = text.trim();
        HumanName name = new HumanName().setUse(HumanName.NameUse.USUAL).setText(trimmed);
        int space = trimmed.lastIndexOf(' ');
        if (space > 0) {
            name.setFamily(trimmed.substring(space + 1));
            for (String given : trimmed.substring(0, space).trim().split("\\s+")) {
                name.addGiven(given);
            }
        } else {
            name.setFamily(trimmed);
        }
        return name;
    }
}
