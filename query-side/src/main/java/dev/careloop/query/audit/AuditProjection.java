package dev.careloop.query.audit;

import dev.careloop.api.MetadataKeys;
import dev.careloop.api.appointment.AppointmentEvent;
import dev.careloop.api.audit.AuditTrailRead;
import dev.careloop.api.disclosure.DisclosedToPartner;
import dev.careloop.api.privacy.PatientErased;
import dev.careloop.api.record.RecordEvent;
import dev.careloop.api.referral.ReferralEvent;
import dev.careloop.api.referral.ReferralSent;
import dev.careloop.api.record.RecordAmended;
import dev.careloop.api.record.RecordShared;
import dev.careloop.query.ReadModels;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.messaging.MetaData;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

import java.sql.Timestamp;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * audit_entry, audit_subject and audit_party: one audit entry per event of the log, with the patient, the referral,
 * record and appointment it concerns and the organisations party to its aggregate. Its own processing group, so
 * the trail can be rebuilt (or fall behind) without touching the clinical read models. Redelivery adds nothing.
 */
@Component
@ProcessingGroup(AuditProjection.GROUP)
class AuditProjection {

    static final String GROUP = "audit";

    /** Payload fields that name an organisation party to the aggregate (not, say, the one refused a read). */
    private static final List<String> PARTY_FIELDS = List.of("initiatorOrganisation", "recipientOrganisation",
            "toOrganisation", "authorOrganisation", "performer", "recipients", "participants");

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    AuditProjection(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    @EventHandler
    void on(ReferralEvent e, EventMessage<?> message) {
        String label = e instanceof ReferralSent sent ? sent.referralNumber() : null;
        record(AuditEntryKind.REFERRAL, e.referralId(), label, e, message);
    }

    /** The record's own events, and access denials (published on their own, naming the record). */
    @EventHandler
    void on(RecordEvent e, EventMessage<?> message) {
        String label = e instanceof RecordShared shared ? shared.title()
                : e instanceof RecordAmended amended ? amended.title() : null;
        record(AuditEntryKind.RECORD, e.recordId(), label, e, message);
    }

    @EventHandler
    void on(AppointmentEvent e, EventMessage<?> message) {
        record(AuditEntryKind.APPOINTMENT, e.appointmentId(), null, e, message);
    }

    /**
     * An erasure is an entry about the patient, seen by the erasing organisation and by every organisation that was
     * party to one of the patient's referrals, records or appointments. It names the patient by the platform's
     * pseudonymous id only, as the event does.
     */
    @EventHandler
    void on(PatientErased e, EventMessage<?> message) {
        jdbc.update("""
                        INSERT INTO audit_party (aggregate_id, organisation)
                        SELECT DISTINCT ?, p.organisation FROM audit_party p
                        JOIN audit_subject s ON s.aggregate_id = p.aggregate_id WHERE s.patient_id = ?
                        ON CONFLICT DO NOTHING""", e.patientId(), e.patientId());
        record(AuditEntryKind.PATIENT, e.patientId(), null, e, message);
    }

    /**
     * A change delivered to a partner EHR: an entry of the aggregate it came from (seen by its parties and the
     * partner's organisation) and a disclosure in the accounting.
     */
    @EventHandler
    void on(DisclosedToPartner e, EventMessage<?> message) {
        AuditEntryKind kind = switch (e.aggregateType()) {
            case "SharedRecord" -> AuditEntryKind.RECORD;
            case "AppointmentHandoff" -> AuditEntryKind.APPOINTMENT;
            default -> AuditEntryKind.REFERRAL;
        };
        record(kind, e.aggregateId(), null, e, message);
        if (kind != AuditEntryKind.REFERRAL) {
            jdbc.update("UPDATE audit_entry SET " + (kind == AuditEntryKind.RECORD ? "record_id" : "appointment_id")
                    + " = ? WHERE event_id = ?", e.aggregateId(), message.getIdentifier());
        }
    }

    /** Reads of the trail are entries of the trail; only the reader's organisation sees them. */
    @EventHandler
    void on(AuditTrailRead e, EventMessage<?> message) {
        record(AuditEntryKind.AUDIT, message.getIdentifier(), null, e, message);
    }

    @ResetHandler
    void reset() {
        jdbc.update("DELETE FROM audit_entry");
        jdbc.update("DELETE FROM audit_subject");
        jdbc.update("DELETE FROM audit_party");
    }

    private void record(AuditEntryKind kind, String aggregateId, String label, Object payload,
                        EventMessage<?> message) {
        ObjectNode details = json.valueToTree(payload);
        boolean ownEvent = message instanceof DomainEventMessage<?> domain
                && aggregateId.equals(domain.getAggregateIdentifier()) && domain.getType() != null;
        String patientId = kind == AuditEntryKind.PATIENT ? aggregateId
                : text(details.path("patient").path("patientId"));
        String referralId = text(details.path("referralId"));
        if (kind != AuditEntryKind.AUDIT && kind != AuditEntryKind.PATIENT) {
            rememberSubject(kind, aggregateId, label, patientId, referralId);
        }
        if (ownEvent) {
            for (String party : parties(details)) {
                jdbc.update("INSERT INTO audit_party (aggregate_id, organisation) VALUES (?, ?) ON CONFLICT DO NOTHING",
                        aggregateId, party);
            }
        }
        Subject subject = kind == AuditEntryKind.AUDIT || kind == AuditEntryKind.PATIENT ? new Subject(null, null, null)
                : subject(aggregateId);
        if (kind == AuditEntryKind.AUDIT && payload instanceof AuditTrailRead read) {
            // A read about a patient or an aggregate is found by searching for them (in the reader's scope only).
            patientId = read.query().get("patient");
            referralId = read.query().get("referral");
        }
        details.remove("patient");
        MetaData md = message.getMetaData();
        String actorOrg = ReadModels.text(md, MetadataKeys.ORGANISATION);
        String description = AuditDescriptions.describe(message.getPayloadType().getSimpleName(), actorOrg,
                subject.label() == null ? aggregateId : subject.label(), details);
        jdbc.update("""
                        INSERT INTO audit_entry (event_id, global_index, occurred_at, event_type, aggregate_type,
                            aggregate_id, sequence_number, referral_id, record_id, appointment_id, patient_id,
                            actor_user, actor_org, actor_roles, client, purpose_of_use, correlation_id, causation_id,
                            description, details)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)
                        ON CONFLICT DO NOTHING""",
                message.getIdentifier(), globalIndex(message), Timestamp.from(message.getTimestamp()),
                message.getPayloadType().getSimpleName(), kind.code(), aggregateId,
                ownEvent ? ((DomainEventMessage<?>) message).getSequenceNumber() : null,
                firstNonNull(referralId, subject.referralId()),
                kind == AuditEntryKind.AUDIT ? text(details.path("query").path("record"))
                        : text(details.path("recordId")),
                kind == AuditEntryKind.AUDIT ? text(details.path("query").path("appointment"))
                        : text(details.path("appointmentId")),
                firstNonNull(patientId, subject.patientId()),
                ReadModels.text(md, MetadataKeys.USER), actorOrg, ReadModels.text(md, MetadataKeys.ROLES),
                ReadModels.text(md, MetadataKeys.CLIENT), ReadModels.text(md, MetadataKeys.PURPOSE_OF_USE),
                ReadModels.text(md, MetadataKeys.CORRELATION_ID), ReadModels.text(md, MetadataKeys.CAUSATION_ID),
                description, json.writeValueAsString(details));
    }

    /**
     * Keeps what the aggregate's first events say about it (patient, referral, label). An entry written before
     * that was known (a denial processed ahead of the share after a retry, say) gets the patient now.
     */
    private void rememberSubject(AuditEntryKind kind, String aggregateId, String label, String patientId,
                                 String referralId) {
        if (label == null && patientId == null && referralId == null) {
            return;
        }
        jdbc.update("""
                        INSERT INTO audit_subject (aggregate_id, aggregate_type, label, patient_id, referral_id)
                        VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (aggregate_id) DO UPDATE SET
                            label = COALESCE(EXCLUDED.label, audit_subject.label),
                            patient_id = COALESCE(audit_subject.patient_id, EXCLUDED.patient_id),
                            referral_id = COALESCE(audit_subject.referral_id, EXCLUDED.referral_id)""",
                aggregateId, kind.code(), label, patientId, referralId);
        if (patientId != null) {
            jdbc.update("UPDATE audit_entry SET patient_id = ? WHERE aggregate_type = ? AND aggregate_id = ? "
                    + "AND patient_id IS NULL", patientId, kind.code(), aggregateId);
        }
    }

    private record Subject(String label, String patientId, String referralId) {
    }

    /** An appointment booked for a referral without naming the patient is about the referral's patient. */
    private Subject subject(String aggregateId) {
        return jdbc.query("""
                        SELECT s.label, COALESCE(s.patient_id, r.patient_id) AS patient_id, s.referral_id
                        FROM audit_subject s LEFT JOIN audit_subject r ON r.aggregate_id = s.referral_id
                        WHERE s.aggregate_id = ?""",
                (rs, i) -> new Subject(rs.getString("label"), rs.getString("patient_id"), rs.getString("referral_id")),
                aggregateId).stream().findFirst().orElse(new Subject(null, null, null));
    }

    private static Set<String> parties(JsonNode details) {
        Set<String> parties = new LinkedHashSet<>();
        for (String field : PARTY_FIELDS) {
            JsonNode value = details.path(field);
            if (value.isArray()) {
                value.forEach(v -> parties.add(v.asString()));
            } else if (value.isString()) {
                parties.add(value.asString());
            }
        }
        return parties;
    }

    /** The event's position in the log: from its tracking token, else (a dead letter's retry) from the log. */
    private long globalIndex(EventMessage<?> message) {
        if (message instanceof TrackedEventMessage<?> tracked && tracked.trackingToken() != null) {
            OptionalLong position = tracked.trackingToken().position();
            if (position.isPresent()) {
                return position.getAsLong();
            }
        }
        Long index = jdbc.queryForObject("SELECT global_index FROM domain_event_entry WHERE event_identifier = ?",
                Long.class, message.getIdentifier());
        return index == null ? -1 : index;
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }

    /** A string field of the payload, or null when it is absent or not a string. */
    private static String text(JsonNode node) {
        return node.isString() ? node.asString() : null;
    }
}
