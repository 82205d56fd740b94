package dev.careloop.api.referral;

import dev.careloop.api.Patient;
import java.time.Instant;
import java.util.List;

/**
 * A referral as its participants see it: the read model's row, with the ids of the records attached to it, what
 * the receiving clinic wrote back (the consult report, the interim notes oldest first, the reason it declined), the
 * person it is assigned to at the receiving organisation, and the actions the caller may take on it now
 * ({@link ReferralStateMachine#allowedActions}; empty where no caller is known).
 */
public record ReferralView(
        String referralId,
        String referralNumber,
        String identifierSystem,
        String initiatorOrganisation,
        String recipientOrganisation,
        Patient patient,
        Priority priority,
        String service,
        String reason,
        ReferralStatus status,
        String taskStatus,
        String businessStatus,
        String businessStatusDisplay,
        boolean loopClosed,
        String appointmentId,
        Appointment appointment,
        String openQuestion,
        Instant slaDueAt,
        boolean overdue,
        String basedOnReferralId,
        Instant createdAt,
        Instant updatedAt,
        long version,
        List<String> recordIds,
        String consultReport,
        List<String> interimNotes,
        String declineReason,
        Assignee assignedTo,
        List<String> allowedActions) {

    public ReferralView {
        allowedActions = allowedActions == null ? List.of() : List.copyOf(allowedActions);
    }
}
