package dev.careloop.query.record;

import dev.careloop.query.privacy.PatientScrub;
import dev.careloop.api.privacy.PatientErased;
import dev.careloop.query.ReadModels;
import dev.careloop.api.MetadataKeys;
import dev.careloop.api.Patient;
import dev.careloop.api.record.RecordAccessExpired;
import dev.careloop.api.record.RecordAccessRevoked;
import dev.careloop.api.record.RecordAmended;
import dev.careloop.api.record.RecordDisclosed;
import dev.careloop.api.record.RecordShared;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.messaging.MetaData;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Instant;

/**
 * record_view, record_grant, record_version and record_disclosure. Changes to the view are guarded by the
 * record's last applied event (last_sequence); the other rows are keyed so that a redelivery adds nothing.
 */
@Component
@ProcessingGroup(RecordProjection.GROUP)
class RecordProjection implements PatientScrub {

    static final String GROUP = "records";

    private final JdbcTemplate jdbc;

    RecordProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(RecordShared e, DomainEventMessage<?> message) {
        Patient p = e.patient();
        Timestamp at = ts(message.getTimestamp());
        jdbc.update("""
                INSERT INTO record_view (record_id, referral_id, author_org, patient_id, patient_identifier_system,
                    patient_identifier_value, patient_name, patient_birth_date, document_type_code,
                    document_type_display, title, description, purpose, valid_until, current_version, content_sha256,
                    content_size, content_media_type, created_at, updated_at, version, last_sequence)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, 1, ?)
                ON CONFLICT (record_id) DO NOTHING""",
                e.recordId(), e.referralId(), e.authorOrganisation(), p.patientId(), p.identifierSystem(),
                p.identifierValue(), p.name(), p.birthDate() == null ? null : java.sql.Date.valueOf(p.birthDate()),
                e.documentType().code(), e.documentType().display(), e.title(), e.description(), e.purpose(),
                ts(e.validUntil()), e.content().sha256(), e.content().size(), e.content().mediaType(), at, at,
                message.getSequenceNumber());
        for (String recipient : e.recipients()) {
            jdbc.update("INSERT INTO record_grant (record_id, organisation, purpose, valid_until, granted_at) "
                    + "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    e.recordId(), recipient, e.purpose(), ts(e.validUntil()), at);
        }
        version(e.recordId(), 1, e.content().sha256(), e.content().size(), e.content().mediaType(), e.title(), null,
                message);
    }

    @EventHandler
    void on(RecordAmended e, DomainEventMessage<?> message) {
        advance(e.recordId(), message, "current_version = ?, content_sha256 = ?, content_size = ?, "
                        + "content_media_type = ?, title = COALESCE(?, title), description = COALESCE(?, description)",
                e.version(), e.content().sha256(), e.content().size(), e.content().mediaType(), e.title(),
                e.description());
        String title = jdbc.queryForObject("SELECT title FROM record_view WHERE record_id = ?", String.class,
                e.recordId());
        version(e.recordId(), e.version(), e.content().sha256(), e.content().size(), e.content().mediaType(), title,
                e.reason(), message);
    }

    @EventHandler
    void on(RecordAccessRevoked e, DomainEventMessage<?> message) {
        advance(e.recordId(), message, null);
        jdbc.update("UPDATE record_grant SET revoked_at = ?, revoke_reason = ? "
                        + "WHERE record_id = ? AND organisation = ? AND revoked_at IS NULL",
                ts(message.getTimestamp()), e.reason(), e.recordId(), e.organisation());
    }

    @EventHandler
    void on(RecordAccessExpired e, DomainEventMessage<?> message) {
        advance(e.recordId(), message, null);
        jdbc.update("UPDATE record_grant SET expired_at = ? "
                        + "WHERE record_id = ? AND revoked_at IS NULL AND expired_at IS NULL",
                ts(message.getTimestamp()), e.recordId());
    }

    @EventHandler
    void on(RecordDisclosed e, DomainEventMessage<?> message) {
        MetaData md = message.getMetaData();
        jdbc.update("""
                INSERT INTO record_disclosure (event_id, record_id, sequence_number, organisation, user_id, roles,
                    client, purpose_of_use, version, content_sha256, disclosed_at, correlation_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING""",
                message.getIdentifier(), e.recordId(), message.getSequenceNumber(), e.organisation(),
                ReadModels.text(md, MetadataKeys.USER), ReadModels.text(md, MetadataKeys.ROLES),
                ReadModels.text(md, MetadataKeys.CLIENT), e.purposeOfUse(), e.version(), e.sha256(), ts(e.at()),
                ReadModels.text(md, MetadataKeys.CORRELATION_ID));
    }

    @ResetHandler
    void reset() {
        // The other tables cascade.
        jdbc.update("DELETE FROM record_view");
    }

    /** One more revision of the record, unless this event was applied already. */
    private void advance(String recordId, DomainEventMessage<?> message, String extraSet, Object... extraArgs) {
        Object[] args = new Object[extraArgs.length + 4];
        args[0] = ts(message.getTimestamp());
        args[1] = message.getSequenceNumber();
        System.arraycopy(extraArgs, 0, args, 2, extraArgs.length);
        args[args.length - 2] = recordId;
        args[args.length - 1] = message.getSequenceNumber();
        jdbc.update("UPDATE record_view SET updated_at = ?, version = version + 1, last_sequence = ?"
                + (extraSet == null ? "" : ", " + extraSet)
                + " WHERE record_id = ? AND last_sequence < ?", args);
    }

    private void version(String recordId, int version, String sha256, long size, String mediaType, String title,
                         String reason, DomainEventMessage<?> message) {
        jdbc.update("""
                INSERT INTO record_version (record_id, version, content_sha256, content_size, media_type, title,
                    reason, created_at, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING""",
                recordId, version, sha256, size, mediaType, title, reason, ts(message.getTimestamp()),
                ReadModels.text(message.getMetaData(), MetadataKeys.USER));
    }

    private static Timestamp ts(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    /** After every earlier event of this group: no copy of the erased identity outlives the erasure here. */
    @EventHandler
    void on(PatientErased e) {
        scrub(e.patientId());
    }

    @Override
    public int scrub(String patientId) {
        return scrubView("record_view", patientId);
    }

    private int scrubView(String table, String patientId) {
        Patient erased = Patient.erased(patientId);
        return jdbc.update("UPDATE " + table + " SET patient_identifier_system = ?, patient_identifier_value = ?, "
                        + "patient_name = ?, patient_birth_date = NULL WHERE patient_id = ? "
                        + "AND patient_identifier_system IS DISTINCT FROM ?",
                erased.identifierSystem(), erased.identifierValue(), erased.name(), patientId,
                erased.identifierSystem());
    }
}
