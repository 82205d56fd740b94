package dev.careloop.query.patient;

import dev.careloop.api.Patient;
import dev.careloop.api.PatientIdentifierSystems;
import dev.careloop.api.PatientIds;
import dev.careloop.query.QueryParameters;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Finds a patient the way people name them: by the platform id, by an MRN as {@code system|value}, by an MRN's value
 * alone within the caller's organisation's own identifier systems, or by name and birth date. Whether the caller may
 * know the patient is the caller's question ({@code known}): a patient it may not see is answered as one that does
 * not exist, a 404 naming the parameter, never an empty list that reads as "nobody touched this patient".
 */
@Component
public class PatientLookup {

    /** A patient as the read models know them; the identity reads {@code (erased)} once the patient is erased. */
    public record Found(String patientId, String identifierSystem, String identifierValue, String name,
                        LocalDate birthDate) {

        /** The MRN as {@code system|value}; null when erased. */
        public String identifier() {
            return identifierSystem == null || Patient.ERASED_SYSTEM.equals(identifierSystem) ? null
                    : identifierSystem + "|" + identifierValue;
        }
    }

    // Every read model that names a patient; the patient id alias (V35) joins an id from before keying to its new one.
    private static final String DEMOGRAPHICS = """
            SELECT patient_id, patient_identifier_system, patient_identifier_value, patient_name, patient_birth_date
              FROM (SELECT patient_id, patient_identifier_system, patient_identifier_value, patient_name,
                           patient_birth_date, updated_at FROM referral_view
                    UNION ALL
                    SELECT patient_id, patient_identifier_system, patient_identifier_value, patient_name,
                           patient_birth_date, updated_at FROM record_view
                    UNION ALL
                    SELECT patient_id, patient_identifier_system, patient_identifier_value, patient_name,
                           patient_birth_date, updated_at FROM appointment_view WHERE patient_id IS NOT NULL) v
             WHERE\s""";

    private final JdbcTemplate jdbc;
    private final PatientIds ids;
    private final PatientIdentifierSystems systems;

    public PatientLookup(JdbcTemplate jdbc, PatientIds ids, PatientIdentifierSystems systems) {
        this.jdbc = jdbc;
        this.ids = ids;
        this.systems = systems;
    }

    /**
     * The platform id of the patient {@code value} names, among those {@code known} to the caller: a platform id
     * first, then an MRN ({@code system|value}, or a bare value in one of {@code organisation}'s own systems).
     * A 404 naming {@code parameter} when no such patient is known; a 400 when a bare value names a patient in
     * more than one of the organisation's systems.
     */
    public String resolve(String parameter, String value, String organisation, Predicate<String> known) {
        String v = value.trim();
        int bar = v.indexOf('|');
        if (bar > 0 && bar < v.length() - 1) {
            return firstKnown(byIdentifier(v.substring(0, bar), v.substring(bar + 1)), known)
                    .orElseThrow(() -> notFound(parameter, "no patient with the identifier '" + v
                            + "' that you may see"));
        }
        if (known.test(v)) {
            return v;
        }
        Map<String, String> found = new TreeMap<>();
        for (String system : systems.ownedBy(organisation)) {
            firstKnown(byIdentifier(system, v), known).ifPresent(id -> found.put(system, id));
        }
        if (found.size() > 1) {
            throw QueryParameters.problem(HttpStatus.BAD_REQUEST, "1 parameter(s) are invalid", List.of(Map.of(
                    "field", parameter, "message", "'" + v + "' names a patient in several of your identifier "
                            + "systems; give it as system|value: " + String.join(", ",
                            found.keySet().stream().map(s -> s + "|" + v).toList()))));
        }
        return found.values().stream().findFirst().orElseThrow(() -> notFound(parameter,
                "no patient '" + v + "' that you may see: give the platform patient id, an MRN as system|value"
                        + (systems.ownedBy(organisation).isEmpty() ? ""
                        : ", or an MRN of " + organisation + "'s (" + String.join(", ",
                        systems.ownedBy(organisation).stream().sorted().toList()) + ")")));
    }

    /**
     * The ids an identifier may go by: the platform id it gives now, then any other id a read model holds for it
     * (an id from before ids were keyed, that the migration has not re-keyed yet).
     */
    List<String> byIdentifier(String system, String value) {
        Set<String> candidates = new LinkedHashSet<>();
        candidates.add(ids.idFor(system, value));
        candidates.addAll(jdbc.queryForList("SELECT DISTINCT patient_id FROM (" + DEMOGRAPHICS
                + "patient_identifier_system = ? AND patient_identifier_value = ?) i", String.class, system.trim(),
                value.trim()));
        return new ArrayList<>(candidates);
    }

    /** The ids of the patients with this name (any case) and birth date, as the read models hold them. */
    List<String> byNameAndBirthDate(String name, LocalDate birthDate) {
        return jdbc.queryForList("SELECT DISTINCT patient_id FROM (" + DEMOGRAPHICS
                + "lower(patient_name) = lower(?) AND patient_birth_date = ?) n", String.class, name.trim(),
                Date.valueOf(birthDate));
    }

    /** The patient's identity as the most recently changed read model naming them holds it. */
    public Optional<Found> demographics(String patientId) {
        return jdbc.query(DEMOGRAPHICS + "v.patient_id IN (SELECT ?::text UNION SELECT old_patient_id "
                + "FROM patient_id_alias WHERE new_patient_id = ? UNION SELECT new_patient_id FROM patient_id_alias "
                + "WHERE old_patient_id = ?) ORDER BY (v.patient_id = ?) DESC, v.updated_at DESC LIMIT 1", (rs, i) -> {
            Date birth = rs.getDate("patient_birth_date");
            return new Found(patientId, rs.getString("patient_identifier_system"),
                    rs.getString("patient_identifier_value"), rs.getString("patient_name"),
                    birth == null ? null : birth.toLocalDate());
        }, patientId, patientId, patientId, patientId).stream().findFirst();
    }

    /**
     * Whether {@code organisation} may see the patient in its clinical work: a referral it takes part in, a record
     * it wrote or holds an active grant for, an appointment it takes part in (the summary's rules).
     */
    public boolean visibleTo(String patientId, String organisation) {
        Boolean visible = jdbc.queryForObject("""
                SELECT EXISTS (SELECT 1 FROM referral_view r WHERE r.patient_id = ?
                                  AND (r.initiator_org = ? OR r.recipient_org = ?))
                    OR EXISTS (SELECT 1 FROM record_view v WHERE v.patient_id = ? AND (v.author_org = ?
                                  OR EXISTS (SELECT 1 FROM record_grant g WHERE g.record_id = v.record_id
                                     AND g.organisation = ? AND g.revoked_at IS NULL AND g.expired_at IS NULL
                                     AND g.valid_until > now())))
                    OR EXISTS (SELECT 1 FROM appointment_view a WHERE a.patient_id = ?
                                  AND a.participants @> ARRAY[?]::text[])""", Boolean.class,
                patientId, organisation, organisation, patientId, organisation, organisation, patientId, organisation);
        return Boolean.TRUE.equals(visible);
    }

    private static Optional<String> firstKnown(List<String> candidates, Predicate<String> known) {
        return candidates.stream().filter(known).findFirst();
    }

    private static RuntimeException notFound(String parameter, String message) {
        return QueryParameters.problem(HttpStatus.NOT_FOUND, "no such patient", List.of(Map.of("field", parameter,
                "message", message)));
    }
}
