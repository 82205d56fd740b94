package dev.careloop.query.privacy;

import dev.careloop.api.Patient;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Replaces a patient's identity with the erased placeholder in the query side's tables: the views' patient
 * columns and the patient object in the journals' details. Each read model runs its part when it sees
 * PatientErased (after every earlier event), and erasure runs all of them at once.
 */
public final class PatientScrub {

    private PatientScrub() {
    }

    /** referral_view and referral_timeline. */
    public static int referrals(JdbcTemplate jdbc, String patientId) {
        return view(jdbc, "referral_view", patientId) + journal(jdbc, "referral_timeline", patientId);
    }

    public static int records(JdbcTemplate jdbc, String patientId) {
        return view(jdbc, "record_view", patientId);
    }

    /** appointment_view and appointment_history. */
    public static int appointments(JdbcTemplate jdbc, String patientId) {
        return view(jdbc, "appointment_view", patientId) + journal(jdbc, "appointment_history", patientId);
    }

    private static int view(JdbcTemplate jdbc, String table, String patientId) {
        Patient erased = Patient.erased(patientId);
        return jdbc.update("UPDATE " + table + " SET patient_identifier_system = ?, patient_identifier_value = ?, "
                        + "patient_name = ?, patient_birth_date = NULL WHERE patient_id = ? "
                        + "AND patient_identifier_system IS DISTINCT FROM ?",
                erased.identifierSystem(), erased.identifierValue(), erased.name(), patientId,
                erased.identifierSystem());
    }

    private static int journal(JdbcTemplate jdbc, String table, String patientId) {
        Patient erased = Patient.erased(patientId);
        return jdbc.update("UPDATE " + table + " SET details = jsonb_set(details, '{patient}', jsonb_build_object("
                        + "'patientId', ?, 'identifierSystem', ?, 'identifierValue', ?, 'name', ?, 'birthDate', NULL)) "
                        + "WHERE details->'patient'->>'patientId' = ? "
                        + "AND details->'patient'->>'identifierSystem' IS DISTINCT FROM ?",
                patientId, erased.identifierSystem(), erased.identifierValue(), erased.name(), patientId,
                erased.identifierSystem());
    }
}
