package dev.careloop.app.privacy;

import dev.careloop.api.Actor;
import dev.careloop.api.InputRules;
import dev.careloop.api.Patient;
import dev.careloop.api.privacy.PatientDataStore;
import dev.careloop.api.privacy.PatientErased;
import dev.careloop.command.web.Commands;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.gateway.EventGateway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Forgets a patient (crypto-shredding). In one transaction: the patient's key is destroyed, so their sealed
 * identity in the log can no longer be read; every store outside the log that copies it replaces it with the
 * erased placeholder; the content of shared records about the patient is deleted; and PatientErased is
 * appended, naming only the pseudonymous id, so the erasure is itself in the audit trail. No stored byte of the
 * log changes, so the hash chain still verifies. Read models also scrub on PatientErased, after every earlier
 * event, so an event in flight during the erasure cannot bring the identity back.
 *
 * <p>A patient re-keyed by the patient-id migration has two ids (patient_id_alias): the unkeyed one its earlier events
 * name and seal under, and the keyed one. Erasing either erases both: both keys, the copies under both ids, and one
 * PatientErased per id, so every read model and the trail scrub what they hold under each.
 */
@Service
public class PatientErasure {

    private final PatientKeys keys;
    private final List<PatientDataStore> stores;
    private final JdbcTemplate jdbc;
    private final EventGateway events;

    PatientErasure(PatientKeys keys, List<PatientDataStore> stores, JdbcTemplate jdbc, EventGateway events) {
        this.keys = keys;
        this.stores = stores;
        this.jdbc = jdbc;
        this.events = events;
    }

    /**
     * What an erasure did. {@code plainEvents}: events written before sealing existed, which keep the identity.
     * {@code otherIds}: the patient's other platform id (unkeyed before the migration, or keyed after it), erased too.
     */
    public record Report(String patientId, List<String> otherIds, boolean keyDestroyed,
                         Map<String, Integer> copiesErased, int documentsDeleted, long plainEvents) {
    }

    @Transactional
    public Report erase(String patientId, String reason, Actor admin) {
        // Refused before any key is destroyed, not only when the event is appended after the copies are gone.
        InputRules.require(new PatientErased(patientId, reason, 0));
        List<String> otherIds = otherIds(patientId);
        List<String> ids = new ArrayList<>(otherIds);
        // The id asked for last: its PatientErased, the one the administrator looks for, closes the erasure.
        ids.add(patientId);
        boolean destroyed = false;
        Map<String, Integer> copies = new LinkedHashMap<>();
        int documents = 0;
        long plain = 0;
        for (String id : ids) {
            destroyed |= keys.destroy(id);
            int ofThisId = 0;
            for (PatientDataStore store : stores) {
                int erased = store.erase(id);
                copies.merge(store.name(), erased, Integer::sum);
                ofThisId += erased;
            }
            int deleted = deleteDocuments(id);
            documents += deleted;
            plain += plainEvents(id);
            events.publish(GenericEventMessage.asEventMessage(new PatientErased(id, reason, ofThisId + deleted))
                    .andMetaData(Commands.metaDataFor(admin)));
        }
        return new Report(patientId, otherIds, destroyed, copies, documents, plain);
    }

    /** The patient's other platform ids: the unkeyed id a migrated patient had, or the keyed id it has now. */
    private List<String> otherIds(String patientId) {
        return jdbc.queryForList("""
                SELECT old_patient_id FROM patient_id_alias WHERE new_patient_id = ?
                UNION SELECT new_patient_id FROM patient_id_alias WHERE old_patient_id = ?
                ORDER BY 1""", String.class, patientId, patientId);
    }

    /** Shared records' content about the patient (every version), unless another patient's record has the same bytes. */
    private int deleteDocuments(String patientId) {
        List<String> hashes = jdbc.queryForList("""
                SELECT DISTINCT v.content_sha256 FROM record_version v JOIN record_view r ON r.record_id = v.record_id
                WHERE r.patient_id = ? AND NOT EXISTS (
                    SELECT 1 FROM record_version o JOIN record_view ro ON ro.record_id = o.record_id
                    WHERE o.content_sha256 = v.content_sha256 AND ro.patient_id <> ?)""",
                String.class, patientId, patientId);
        int deleted = 0;
        for (String hash : hashes) {
            jdbc.update("DELETE FROM record_content_upload WHERE sha256 = ?", hash);
            deleted += jdbc.update("DELETE FROM record_content WHERE sha256 = ?", hash);
        }
        return deleted;
    }

    /** Events that name the patient with their identity in the clear (written before sealing existed). */
    private long plainEvents(String patientId) {
        String plain = "\"patientId\":\"" + patientId + "\",\"identifierSystem\"";
        String placeholder = plain + ":\"" + Patient.ERASED_SYSTEM + "\"";
        return jdbc.queryForObject("""
                SELECT count(*) FROM domain_event_entry WHERE position(convert_to(?, 'UTF8') in payload) > 0
                AND position(convert_to(?, 'UTF8') in payload) = 0""", Long.class, plain, placeholder);
    }
}
