package dev.careloop.query.record;

import dev.careloop.api.Patient;
import dev.careloop.api.record.DocumentType;
import dev.careloop.api.record.RecordContent;
import dev.careloop.api.record.RecordGrant;
import dev.careloop.api.record.RecordView;
import dev.careloop.query.privacy.PatientScrub;
import dev.careloop.query.replay.Column;
import dev.careloop.query.replay.RowTable;
import dev.careloop.query.replay.RowValues;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

import static dev.careloop.query.replay.RowValues.stored;

/** A row of record_view, as {@link RecordProjection} changes it. */
final class RecordRow implements PatientScrub.PatientRow {

    String recordId;
    String referralId;
    String authorOrg;
    Patient patient;
    String documentTypeCode;
    String documentTypeDisplay;
    String title;
    String description;
    String purpose;
    Instant validUntil;
    int currentVersion;
    String contentSha256;
    long contentSize;
    String contentMediaType;
    Instant createdAt;
    Instant updatedAt;
    /** The record's revision (its ETag). */
    long version;
    /** The sequence number of the last event of the record applied here. */
    long lastSequence;

    static final RowTable<RecordRow> TABLE = RowTable.<RecordRow>named("record_view")
            .column("record_id", r -> r.recordId)
            .column("referral_id", r -> r.referralId)
            .column("author_org", r -> r.authorOrg)
            .patient(r -> r.patient)
            .column("document_type_code", r -> r.documentTypeCode)
            .column("document_type_display", r -> r.documentTypeDisplay)
            .column("title", r -> r.title)
            .column("description", r -> r.description)
            .column("purpose", r -> r.purpose)
            .column("valid_until", r -> r.validUntil)
            .column("current_version", r -> r.currentVersion)
            .column("content_sha256", r -> r.contentSha256)
            .column("content_size", r -> r.contentSize)
            .column("content_media_type", r -> r.contentMediaType)
            .column("created_at", r -> r.createdAt)
            .column("updated_at", r -> r.updatedAt)
            .column("version", r -> r.version)
            .column("last_sequence", r -> r.lastSequence)
            .key("record_id")
            .reader(RecordRow::read);

    static final Column<RecordRow> PATIENT_ID = TABLE.column("patient_id");

    /** The row as the API shows it, with the grants the viewer sees (instants as the column keeps them). */
    RecordView view(List<RecordGrant> grants) {
        return new RecordView(recordId, referralId, authorOrg,
                patient == null ? new Patient(null, null, null, null, null) : patient,
                new DocumentType(documentTypeCode, documentTypeDisplay), title, description, purpose,
                stored(validUntil), currentVersion, new RecordContent(contentSha256, contentSize, contentMediaType),
                grants, stored(createdAt), stored(updatedAt), version);
    }

    private static RecordRow read(ResultSet rs) throws SQLException {
        RecordRow r = new RecordRow();
        r.recordId = rs.getString("record_id");
        r.referralId = rs.getString("referral_id");
        r.authorOrg = rs.getString("author_org");
        r.patient = RowValues.patient(rs);
        r.documentTypeCode = rs.getString("document_type_code");
        r.documentTypeDisplay = rs.getString("document_type_display");
        r.title = rs.getString("title");
        r.description = rs.getString("description");
        r.purpose = rs.getString("purpose");
        r.validUntil = RowValues.instant(rs.getTimestamp("valid_until"));
        r.currentVersion = rs.getInt("current_version");
        r.contentSha256 = rs.getString("content_sha256");
        r.contentSize = rs.getLong("content_size");
        r.contentMediaType = rs.getString("content_media_type");
        r.createdAt = RowValues.instant(rs.getTimestamp("created_at"));
        r.updatedAt = RowValues.instant(rs.getTimestamp("updated_at"));
        r.version = rs.getLong("version");
        r.lastSequence = rs.getLong("last_sequence");
        return r;
    }

    /** Erasure: the patient and the clinical text replaced by the placeholders the log now reads as. */
    @Override
    public boolean erasePatient() {
        if (!PatientScrub.unerased(patient, title, description)) {
            return false;
        }
        patient = Patient.erased(patient.patientId());
        title = PatientScrub.erased(title);
        description = PatientScrub.erased(description);
        return true;
    }
}
