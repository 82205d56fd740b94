package dev.careloop.query.patient;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Date;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import static dev.careloop.query.replay.RowValues.instant;

/**
 * A patient's care summary as one organisation may see it: the referrals it takes part in, the shared records
 * it wrote or holds an active grant for, and the appointments it takes part in, newest first. The visibility
 * rules are the same as each family's own read model.
 */
@Component
class PatientSummary {

    /** One line of the summary: which family, which item, what it is, where it stands, when it last changed. */
    record Entry(String kind, String id, String title, String status, String referralId, Instant at,
                 Instant updatedAt) {
    }

    record Patient(String patientId, String identifierSystem, String identifierValue, String name,
                   LocalDate birthDate) {
    }

    record Summary(Patient patient, List<Entry> entries) {
    }

    private static final String ENTRIES = """
            SELECT 'referral' AS kind, r.referral_id AS id, r.service AS title, r.status, r.referral_id,
                   r.created_at AS at, r.updated_at, r.patient_identifier_system, r.patient_identifier_value,
                   r.patient_name, r.patient_birth_date
              FROM referral_view r
             WHERE r.patient_id = ? AND (r.initiator_org = ? OR r.recipient_org = ?)
            UNION ALL
            SELECT 'record', v.record_id, v.title, 'shared', v.referral_id, v.created_at, v.updated_at,
                   v.patient_identifier_system, v.patient_identifier_value, v.patient_name, v.patient_birth_date
              FROM record_view v
             WHERE v.patient_id = ? AND (v.author_org = ? OR EXISTS (SELECT 1 FROM record_grant g
                   WHERE g.record_id = v.record_id AND g.organisation = ? AND g.revoked_at IS NULL
                     AND g.expired_at IS NULL AND g.valid_until > now()))
            UNION ALL
            SELECT 'appointment', a.appointment_id, COALESCE(a.description, 'Appointment'), a.status, a.referral_id,
                   COALESCE(a.starts_at, a.created_at), a.updated_at, a.patient_identifier_system,
                   a.patient_identifier_value, a.patient_name, a.patient_birth_date
              FROM appointment_view a
             WHERE a.patient_id = ? AND a.participants @> ARRAY[?]::text[]
            ORDER BY updated_at DESC, id""";

    private final JdbcTemplate jdbc;

    PatientSummary(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Empty when the organisation may see nothing about this patient: it learns nothing, not even that it exists. */
    Optional<Summary> of(String patientId, String organisation) {
        record Row(Entry entry, Patient patient) {
        }
        List<Row> rows = jdbc.query(ENTRIES, (rs, i) -> {
            Date birth = rs.getDate("patient_birth_date");
            return new Row(new Entry(rs.getString("kind"), rs.getString("id"), rs.getString("title"),
                    rs.getString("status"), rs.getString("referral_id"), instant(rs.getTimestamp("at")),
                    instant(rs.getTimestamp("updated_at"))),
                    new Patient(patientId, rs.getString("patient_identifier_system"),
                            rs.getString("patient_identifier_value"), rs.getString("patient_name"),
                            birth == null ? null : birth.toLocalDate()));
        }, patientId, organisation, organisation, patientId, organisation, organisation, patientId, organisation);
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Summary(rows.get(0).patient(), rows.stream().map(Row::entry).toList()));
    }
}
