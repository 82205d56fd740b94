package dev.careloop.query.referral;

import dev.careloop.api.Patient;
import dev.careloop.api.referral.Appointment;
import dev.careloop.api.referral.Assignee;
import dev.careloop.api.referral.Priority;
import dev.careloop.api.referral.ReferralStatus;
import dev.careloop.api.referral.ReferralView;
import dev.careloop.query.privacy.PatientScrub;
import dev.careloop.query.replay.Column;
import dev.careloop.query.replay.RowTable;
import dev.careloop.query.replay.RowValues;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.careloop.query.replay.RowValues.stored;

/** A row of referral_view, as {@link ReferralViewProjection} changes it. */
final class ReferralRow implements PatientScrub.PatientRow {

    String referralId;
    String referralNumber;
    String identifierSystem;
    String initiatorOrg;
    String recipientOrg;
    List<String> participants = new ArrayList<>();
    Patient patient;
    String priority;
    int priorityRank;
    String service;
    String reason;
    String status;
    boolean loopClosed;
    Instant appointmentStart;
    Instant appointmentEnd;
    String appointmentLocation;
    String openQuestion;
    Instant slaDueAt;
    boolean overdue;
    String basedOnReferralId;
    Instant createdAt;
    Instant updatedAt;
    long version;
    List<String> recordIds = new ArrayList<>();
    String appointmentId;
    String consultReport;
    List<String> interimNotes = new ArrayList<>();
    String declineReason;
    String assignee;
    String assigneeName;
    /** Where the appointment stands for the visit rules: none, booked, missed, cancelled. */
    String visit = "none";

    static final RowTable<ReferralRow> TABLE = RowTable.<ReferralRow>named("referral_view")
            .column("referral_id", r -> r.referralId)
            .column("referral_number", r -> r.referralNumber)
            .column("identifier_system", r -> r.identifierSystem)
            .column("initiator_org", r -> r.initiatorOrg)
            .column("recipient_org", r -> r.recipientOrg)
            .textArray("participants", r -> r.participants)
            .patient(r -> r.patient)
            .column("priority", r -> r.priority)
            .column("priority_rank", r -> r.priorityRank)
            .column("service", r -> r.service)
            .column("reason", r -> r.reason)
            .column("status", r -> r.status)
            .column("loop_closed", r -> r.loopClosed)
            .column("appointment_start", r -> r.appointmentStart)
            .column("appointment_end", r -> r.appointmentEnd)
            .column("appointment_location", r -> r.appointmentLocation)
            .column("open_question", r -> r.openQuestion)
            .column("sla_due_at", r -> r.slaDueAt)
            .column("overdue", r -> r.overdue)
            .column("based_on_referral_id", r -> r.basedOnReferralId)
            .column("created_at", r -> r.createdAt)
            .column("updated_at", r -> r.updatedAt)
            .column("version", r -> r.version)
            .textArray("record_ids", r -> r.recordIds)
            .column("appointment_id", r -> r.appointmentId)
            .column("consult_report", r -> r.consultReport)
            .textArray("interim_notes", r -> r.interimNotes)
            .column("decline_reason", r -> r.declineReason)
            .column("assignee", r -> r.assignee)
            .column("assignee_name", r -> r.assigneeName)
            .column("visit", r -> r.visit)
            // Derived from the row, so every put (an erasure too) rewrites them.
            .textArray("search_tokens", r -> r.patient == null ? List.of() : ReferralSearchTokens.of(
                    r.patient.name(), r.patient.identifierValue(), r.referralNumber))
            .key("referral_id")
            // Written inline by each command and by the tracking processor, whose batch holds its writes a while.
            .version("version")
            .reader(ReferralRow::read);

    static final Column<ReferralRow> PATIENT_ID = TABLE.column("patient_id");

    private static ReferralRow read(ResultSet rs) throws SQLException {
        ReferralRow r = new ReferralRow();
        r.referralId = rs.getString("referral_id");
        r.referralNumber = rs.getString("referral_number");
        r.identifierSystem = rs.getString("identifier_system");
        r.initiatorOrg = rs.getString("initiator_org");
        r.recipientOrg = rs.getString("recipient_org");
        r.participants = RowValues.strings(rs.getArray("participants"));
        r.patient = RowValues.patient(rs);
        r.priority = rs.getString("priority");
        r.priorityRank = rs.getInt("priority_rank");
        r.service = rs.getString("service");
        r.reason = rs.getString("reason");
        r.status = rs.getString("status");
        r.loopClosed = rs.getBoolean("loop_closed");
        r.appointmentStart = RowValues.instant(rs.getTimestamp("appointment_start"));
        r.appointmentEnd = RowValues.instant(rs.getTimestamp("appointment_end"));
        r.appointmentLocation = rs.getString("appointment_location");
        r.openQuestion = rs.getString("open_question");
        r.slaDueAt = RowValues.instant(rs.getTimestamp("sla_due_at"));
        r.overdue = rs.getBoolean("overdue");
        r.basedOnReferralId = rs.getString("based_on_referral_id");
        r.createdAt = RowValues.instant(rs.getTimestamp("created_at"));
        r.updatedAt = RowValues.instant(rs.getTimestamp("updated_at"));
        r.version = rs.getLong("version");
        r.recordIds = RowValues.strings(rs.getArray("record_ids"));
        r.appointmentId = rs.getString("appointment_id");
        r.consultReport = rs.getString("consult_report");
        r.interimNotes = RowValues.strings(rs.getArray("interim_notes"));
        r.declineReason = rs.getString("decline_reason");
        r.assignee = rs.getString("assignee");
        r.assigneeName = rs.getString("assignee_name");
        r.visit = rs.getString("visit");
        return r;
    }

    /**
     * The row as the API shows it, with the actions the caller may take (its instants as the column keeps them,
     * whether read or made in memory).
     */
    ReferralView view(List<String> allowedActions) {
        ReferralStatus s = ReferralStatus.fromCode(status);
        Instant start = stored(appointmentStart);
        return new ReferralView(referralId, referralNumber, identifierSystem, initiatorOrg, recipientOrg,
                patient == null ? new Patient(null, null, null, null, null) : patient, Priority.fromCode(priority),
                service, reason, s, s.taskStatus(), s.businessStatus(), s.display(), loopClosed, appointmentId,
                start == null ? null : new Appointment(start, stored(appointmentEnd), appointmentLocation),
                openQuestion, stored(slaDueAt), overdue, basedOnReferralId, stored(createdAt), stored(updatedAt),
                version, List.copyOf(recordIds), consultReport, List.copyOf(interimNotes), declineReason,
                assignee == null ? null : new Assignee(assignee, assigneeName), allowedActions);
    }

    /** Erasure: the patient and the clinical text replaced by the placeholders the log now reads as. */
    @Override
    public boolean erasePatient() {
        List<String> texts = new ArrayList<>(Arrays.asList(reason, openQuestion, consultReport, declineReason));
        texts.addAll(interimNotes);
        if (!PatientScrub.unerased(patient, texts.toArray(String[]::new))) {
            return false;
        }
        patient = Patient.erased(patient.patientId());
        reason = PatientScrub.erased(reason);
        openQuestion = PatientScrub.erased(openQuestion);
        consultReport = PatientScrub.erased(consultReport);
        declineReason = PatientScrub.erased(declineReason);
        interimNotes.replaceAll(PatientScrub::erased);
        return true;
    }
}
