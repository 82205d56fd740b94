package dev.careloop.query.audit;

import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Map.entry;

/**
 * One line a compliance officer can read for each kind of event ("riverside-derm accepted referral REF-1234").
 * {actor} is the acting organisation, {label} the referral number or the record's title, any other {name} a field
 * of the event. Free text a clinician wrote (reasons, questions, notes) stays out: it is in the entry's details.
 */
final class AuditDescriptions {

    private static final Map<String, String> TEMPLATES = Map.ofEntries(
            entry("ReferralSent", "{actor} sent referral {label} to {recipientOrganisation}"),
            entry("ReferralAccepted", "{actor} accepted referral {label}"),
            entry("ReferralDeclined", "{actor} declined referral {label}"),
            entry("ReferralForwarded", "{actor} forwarded referral {label} to {toOrganisation}"),
            entry("InformationRequested", "{actor} asked for information on referral {label}"),
            entry("InformationProvided", "{actor} provided information on referral {label}"),
            entry("VisitScheduled", "{actor} scheduled the visit of referral {label} as appointment {appointmentId}"),
            entry("VisitRescheduled", "{actor} rescheduled the visit of referral {label}"),
            entry("VisitCancelled", "{actor} cancelled the visit of referral {label}"),
            entry("NoShowRecorded", "{actor} recorded that the patient missed the visit of referral {label}"),
            entry("InterimNoteSent", "{actor} sent an interim consult note on referral {label}"),
            entry("CancellationRequested", "{actor} asked to cancel referral {label}"),
            entry("CancellationConfirmed", "{actor} confirmed the cancellation of referral {label}"),
            entry("OutcomeSent", "{actor} sent the consult report of referral {label}"),
            entry("OutcomeAcknowledged", "{actor} acknowledged the outcome of referral {label}; the loop is closed"),
            entry("ReferredBack", "{actor} referred referral {label} back as referral {newReferralId}"),
            entry("ReferralSlaMissed", "referral {label} missed its triage deadline"),
            entry("ReferralAssigned", "{actor} assigned referral {label} to {assigneeName} ({assignee})"),
            entry("ReferralUnassigned", "{actor} took referral {label} back from {assigneeName} ({assignee})"),
            entry("RecordAttached", "{actor} attached record \"{title}\" to referral {label}"),
            entry("RecordShared", "{actor} shared record \"{label}\" with {recipients}"),
            entry("RecordAmended", "{actor} amended record \"{label}\" to version {version}"),
            entry("RecordAccessRevoked", "{actor} revoked the access of {organisation} to record \"{label}\""),
            entry("RecordAccessRevoked.forward", "the access of {organisation} to record \"{label}\" ended: "
                    + "{actor} forwarded referral {referralId} to another organisation"),
            entry("RecordAccessGranted", "{organisation} was given access to record \"{label}\": referral "
                    + "{referralId} was forwarded to it by {actor}"),
            entry("RecordAccessGranted.share", "{actor} shared record \"{label}\" with {organisation}"),
            entry("RecordAccessExpired", "access to record \"{label}\" expired"),
            entry("RecordDisclosed", "{organisation} read version {version} of record \"{label}\" for {purposeOfUse}"),
            entry("RecordAccessDenied", "{organisation} was refused record {recordId}: {reason}"),
            entry("EmergencyAccessUsed", "{organisation} broke the glass to read version {version} of record "
                    + "\"{label}\" in an emergency: {justification}"),
            entry("EmergencyAccessReviewed", "{actor} reviewed the emergency access {accessId} to record \"{label}\""),
            entry("AppointmentProposed", "{actor} proposed slots for appointment {appointmentId}"),
            entry("AppointmentBooked", "{actor} booked appointment {appointmentId}"),
            entry("AppointmentRescheduled", "{actor} rescheduled appointment {appointmentId}"),
            entry("AppointmentCancelled", "{actor} cancelled appointment {appointmentId}"),
            entry("AppointmentHandedOff", "{actor} handed appointment {appointmentId} off to {toOrganisation}"),
            entry("AppointmentReminderDue", "the reminder for appointment {appointmentId} fell due"),
            entry("PatientArrived", "{actor} recorded that the patient arrived for appointment {appointmentId}"),
            entry("PatientDidNotAttend", "{actor} recorded that the patient did not attend appointment {appointmentId}"),
            entry("AppointmentFulfilled", "{actor} recorded appointment {appointmentId} as fulfilled"),
            entry("DisclosedToPartner", "{label} version {version} was sent to partner EHR {partnerId} of "
                    + "{partnerOrganisation} ({resourceTypes})"),
            entry("PatientErased", "{actor} erased patient {patientId}; {copiesErased} copies outside the log "
                    + "were replaced"),
            entry("PatientRekeyed", "{actor} named the patient of {label} by the keyed id {newPatientId} "
                    + "instead of the unkeyed id {oldPatientId}"),
            entry("PartnershipGoalSet", "{actor} set a goal on its partnership with {partner}: {measure} "
                    + "{comparison} {target}"),
            entry("PartnershipGoalWithdrawn", "{actor} withdrew goal {label} on its partnership with {partner}"),
            entry("AuditTrailRead", "{officer} of {organisation} read the audit trail ({operation}): "
                    + "{entriesReturned} entries"));

    private static final String FALLBACK = "{actor}: {type} on {label}";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)}");

    private AuditDescriptions() {
    }

    static String describe(String eventType, String actorOrganisation, String label, JsonNode details) {
        String template = TEMPLATES.getOrDefault(eventType, FALLBACK);
        if (eventType.equals("RecordAccessRevoked") && details.path("referralId").isString()) {
            // Not the author's doing: the referral the record is attached to left the organisation.
            template = TEMPLATES.get("RecordAccessRevoked.forward");
        }
        if (eventType.equals("RecordAccessGranted") && !details.path("referralId").isString()) {
            // The author's doing, not a forward's (GrantRecordAccess).
            template = TEMPLATES.get("RecordAccessGranted.share");
        }
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = switch (name) {
                case "actor" -> actorOrganisation == null ? "CareLoop" : actorOrganisation;
                case "label" -> label;
                case "type" -> eventType;
                default -> field(details.path(name));
            };
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String field(JsonNode value) {
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(v -> items.add(v.asString()));
            items.sort(null);
            return String.join(", ", items);
        }
        return value.isMissingNode() || value.isNull() ? "?" : value.asString();
    }
}
