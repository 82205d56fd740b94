package dev.careloop.query.audit;

import dev.careloop.api.ClinicalText;
import dev.careloop.api.MetadataKeys;
import dev.careloop.api.appointment.AppointmentEvent;
import dev.careloop.api.audit.AuditTrailRead;
import dev.careloop.api.disclosure.DisclosedToPartner;
import dev.careloop.api.partnership.PartnershipGoalEvent;
import dev.careloop.api.privacy.PatientErased;
import dev.careloop.api.privacy.PatientRekeyed;
import dev.careloop.api.record.RecordEvent;
import dev.careloop.api.referral.ReferralEvent;
import dev.careloop.api.referral.ReferralForwarded;
import dev.careloop.api.referral.ReferralSent;
import dev.careloop.api.record.RecordAccessGranted;
import dev.careloop.api.record.RecordAccessRevoked;
import dev.careloop.api.record.RecordAmended;
import dev.careloop.api.record.RecordShared;
import dev.careloop.query.ReadModels;
import dev.careloop.query.audit.AuditRows.Alias;
import dev.careloop.query.audit.AuditRows.Entry;
import dev.careloop.query.audit.AuditRows.Party;
import dev.careloop.query.audit.AuditRows.Subject;
import dev.careloop.query.privacy.ClinicalTexts;
import dev.careloop.query.privacy.PatientScrub;
import dev.careloop.query.replay.Journal;
import dev.careloop.query.replay.Rows;
import dev.careloop.query.replay.Stores;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.messaging.MetaData;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * audit_entry, audit_subject and audit_party: one audit entry per event of the log, with the patient, the referral,
 * record and appointment it concerns and the organisations party to its aggregate. Its own processing group, so
 * the trail can be rebuilt (or fall behind) without touching the clinical read models. Redelivery adds nothing.
 *
 * <p>Writes only through its {@link Stores}: the entries are a journal (never read back but to fill in a patient
 * learnt late, which the subject's {@code entries_without_patient} says is needed), the subjects and parties are
 * rows. So the trail can be rebuilt in bulk.
 */
@Component
@ProcessingGroup(AuditProjection.GROUP)
class AuditProjection implements PatientScrub {

    static final String GROUP = "audit";

    /** Payload fields that name an organisation party to the aggregate (not, say, the one refused a read). */
    private static final List<String> PARTY_FIELDS = List.of("initiatorOrganisation", "recipientOrganisation",
            "toOrganisation", "authorOrganisation", "performer", "recipients", "participants");

    private final Journal<Entry> entries;
    private final Rows<Subject> subjects;
    private final Rows<Party> parties;
    private final Rows<Alias> aliases;
    private final ObjectMapper json;
    private final LogPositions positions;
    private final ClinicalTexts clinicalTexts;

    AuditProjection(Stores stores, ObjectMapper json, LogPositions positions, ClinicalTexts clinicalTexts) {
        this.entries = stores.journal(Entry.TABLE);
        this.subjects = stores.rows(Subject.TABLE);
        this.parties = stores.rows(Party.TABLE);
        this.aliases = stores.rows(Alias.TABLE);
        this.json = json;
        this.positions = positions;
        this.clinicalTexts = clinicalTexts;
    }

    @EventHandler
    void on(ReferralEvent e, EventMessage<?> message) {
        String label = e instanceof ReferralSent sent ? sent.referralNumber() : null;
        record(AuditEntryKind.REFERRAL, e.referralId(), label, e, message, false);
        if (e instanceof ReferralForwarded forwarded && forwarded.fromOrganisation() != null
                && !forwarded.fromOrganisation().equals(forwarded.toOrganisation())) {
            partEnded(e.referralId(), forwarded.fromOrganisation(), message);
        }
    }

    /**
     * A former party's officers see the aggregate's entries up to the event that ended its part (AccessPolicy: as
     * it was when it left); the initiator or author never stops being one.
     */
    private void partEnded(String aggregateId, String organisation, EventMessage<?> message) {
        Party party = parties.find(aggregateId, organisation);
        if (party == null || party.untilGlobalIndex() != null) {
            return;
        }
        parties.put(new Party(aggregateId, organisation, positions.of(message)));
    }

    /** The record's own events, and access denials (published on their own, naming the record). */
    @EventHandler
    void on(RecordEvent e, EventMessage<?> message) {
        String label = e instanceof RecordShared shared ? shared.title()
                : e instanceof RecordAmended amended ? amended.title() : null;
        record(AuditEntryKind.RECORD, e.recordId(), label, e, message, false);
        if (e instanceof RecordAccessRevoked revoked) {
            partEnded(e.recordId(), revoked.organisation(), message);
        } else if (e instanceof RecordAccessGranted granted) {
            // The referral's forward brought the record to this organisation: from now on a party to it.
            parties.put(new Party(e.recordId(), granted.organisation()));
        }
    }

    @EventHandler
    void on(AppointmentEvent e, EventMessage<?> message) {
        record(AuditEntryKind.APPOINTMENT, e.appointmentId(), null, e, message, false);
    }

    /**
     * An erasure is an entry about the patient, seen by the erasing organisation and by every organisation that was
     * party to one of the patient's referrals, records or appointments. It names the patient by the platform's
     * pseudonymous id only, as the event does.
     */
    @EventHandler
    void on(PatientErased e, EventMessage<?> message) {
        // After every earlier event of the trail: no clinical text of the patient outlives the erasure here.
        scrub(e.patientId());
        Set<String> organisations = new LinkedHashSet<>();
        for (Subject subject : subjects.findAll(Subject.PATIENT_ID, e.patientId())) {
            for (Party party : parties.findAll(Party.AGGREGATE_ID, subject.aggregateId)) {
                organisations.add(party.organisation());
            }
        }
        for (String organisation : organisations) {
            parties.put(new Party(e.patientId(), organisation));
        }
        record(AuditEntryKind.PATIENT, e.patientId(), null, e, message, false);
    }

    /**
     * The aggregate's patient is named by the keyed id from now on: its later entries go under the new id, its
     * earlier ones keep the id their events named, and the alias lets a search by either id find both. The re-keying
     * is itself an entry of the aggregate, under the new id.
     */
    @EventHandler
    void on(PatientRekeyed e, DomainEventMessage<?> message) {
        AuditEntryKind kind = switch (String.valueOf(message.getType())) {
            case "SharedRecord" -> AuditEntryKind.RECORD;
            case "AppointmentHandoff" -> AuditEntryKind.APPOINTMENT;
            default -> AuditEntryKind.REFERRAL;
        };
        if (aliases.find(e.oldPatientId()) == null) {
            aliases.put(new Alias(e.oldPatientId(), e.newPatientId()));
        }
        Subject subject = subjects.find(e.aggregateId());
        if (subject != null && e.oldPatientId().equals(subject.patientId)) {
            subject.patientId = e.newPatientId();
            subjects.put(subject);
        }
        record(kind, e.aggregateId(), null, e, message, true);
    }

    /**
     * A change delivered to a partner EHR: an entry of the aggregate it came from (seen by its parties and the
     * partner's organisation) and a disclosure in the accounting, filed under the record or appointment delivered.
     */
    @EventHandler
    void on(DisclosedToPartner e, EventMessage<?> message) {
        AuditEntryKind kind = switch (e.aggregateType()) {
            case "SharedRecord" -> AuditEntryKind.RECORD;
            case "AppointmentHandoff" -> AuditEntryKind.APPOINTMENT;
            default -> AuditEntryKind.REFERRAL;
        };
        record(kind, e.aggregateId(), null, e, message, true);
    }

    /** A partnership goal set or withdrawn: an entry of the goal, seen by both organisations of the partnership. */
    @EventHandler
    void on(PartnershipGoalEvent e, EventMessage<?> message) {
        record(AuditEntryKind.PARTNERSHIP, e.goalId(), null, e, message, false);
        parties.put(new Party(e.goalId(), e.organisation()));
        parties.put(new Party(e.goalId(), e.partner()));
    }

    /** Reads of the trail are entries of the trail; only the reader's organisation sees them. */
    @EventHandler
    void on(AuditTrailRead e, EventMessage<?> message) {
        record(AuditEntryKind.AUDIT, message.getIdentifier(), null, e, message, false);
    }

    /**
     * The patient's clinical text in the trail, replaced as the log now reads: in the entries' details, in the
     * titles that label the patient's records, and in the descriptions written with them.
     */
    @Override
    public int scrub(String patientId) {
        int changed = 0;
        for (Subject subject : subjects.findAll(Subject.PATIENT_ID, patientId)) {
            if (AuditEntryKind.RECORD.code().equals(subject.aggregateType)
                    && PatientScrub.unerased(null, subject.label)) {
                subject.label = PatientScrub.erased(subject.label);
                subjects.put(subject);
                changed++;
            }
        }
        return changed + entries.rewrite("patient_id = ?", List.of(patientId), entry -> {
            ObjectNode details = (ObjectNode) json.readTree(entry.details());
            String label = labelAfterErasure(entry, details);
            boolean textErased = clinicalTexts.erase(entry.eventType(), details);
            String description = AuditDescriptions.describe(entry.eventType(), entry.actorOrg(), label, details);
            return textErased || !description.equals(entry.description())
                    ? entry.withText(description, json.writeValueAsString(details)) : null;
        });
    }

    /**
     * The label an entry of an erased patient is described with, as a rebuild from the log would write it: a record's
     * title reads as erased; an entry written before its aggregate had a label keeps the aggregate's id.
     */
    private String labelAfterErasure(Entry entry, JsonNode detailsBefore) {
        if (entry.description().equals(AuditDescriptions.describe(entry.eventType(), entry.actorOrg(),
                entry.aggregateId(), detailsBefore))) {
            return entry.aggregateId();
        }
        if (AuditEntryKind.RECORD.code().equals(entry.aggregateType())) {
            return ClinicalText.ERASED;
        }
        Subject subject = subjects.find(entry.aggregateId());
        return subject == null || subject.label == null ? entry.aggregateId() : subject.label;
    }

    @ResetHandler
    void reset() {
        entries.clear();
        subjects.clear();
        parties.clear();
        aliases.clear();
    }

    /**
     * @param namesAggregate the entry names its record or appointment by the aggregate alone (a disclosure to a
     *                       partner), not by a field of the payload
     */
    private void record(AuditEntryKind kind, String aggregateId, String label, Object payload,
                        EventMessage<?> message, boolean namesAggregate) {
        ObjectNode details = json.valueToTree(payload);
        boolean ownEvent = message instanceof DomainEventMessage<?> domain
                && aggregateId.equals(domain.getAggregateIdentifier()) && domain.getType() != null;
        // A partnership goal concerns no patient: nothing to remember about it, nothing to fill in later.
        boolean ofAggregate = kind != AuditEntryKind.AUDIT && kind != AuditEntryKind.PATIENT
                && kind != AuditEntryKind.PARTNERSHIP;
        String patientId = kind == AuditEntryKind.PATIENT ? aggregateId
                : text(details.path("patient").path("patientId"));
        String referralId = text(details.path("referralId"));
        Subject subject = ofAggregate ? rememberSubject(kind, aggregateId, label, patientId, referralId) : null;
        if (ownEvent) {
            for (String party : parties(details)) {
                parties.put(new Party(aggregateId, party));
            }
        }
        Known known = known(subject);
        if (kind == AuditEntryKind.AUDIT && payload instanceof AuditTrailRead read) {
            // A read about a patient or an aggregate is found by searching for them (in the reader's scope only).
            patientId = read.query().get("patient");
            referralId = read.query().get("referral");
        }
        String recordId = kind == AuditEntryKind.AUDIT ? text(details.path("query").path("record"))
                : namesAggregate && kind == AuditEntryKind.RECORD ? aggregateId : text(details.path("recordId"));
        String appointmentId = kind == AuditEntryKind.AUDIT ? text(details.path("query").path("appointment"))
                : namesAggregate && kind == AuditEntryKind.APPOINTMENT ? aggregateId
                : text(details.path("appointmentId"));
        details.remove("patient");
        MetaData md = message.getMetaData();
        String actorOrg = ReadModels.text(md, MetadataKeys.ORGANISATION);
        String eventType = message.getPayloadType().getSimpleName();
        String description = AuditDescriptions.describe(eventType, actorOrg,
                known.label() == null ? aggregateId : known.label(), details);
        String entryPatient = firstNonNull(patientId, known.patientId());
        entries.add(new Entry(message.getIdentifier(), positions.of(message), message.getTimestamp(), eventType,
                kind.code(), aggregateId,
                ownEvent ? ((DomainEventMessage<?>) message).getSequenceNumber() : null,
                firstNonNull(referralId, known.referralId()), recordId, appointmentId, entryPatient,
                ReadModels.text(md, MetadataKeys.USER), ReadModels.text(md, MetadataKeys.USER_NAME), actorOrg, ReadModels.text(md, MetadataKeys.ROLES),
                ReadModels.text(md, MetadataKeys.CLIENT), ReadModels.text(md, MetadataKeys.PURPOSE_OF_USE),
                ReadModels.text(md, MetadataKeys.CORRELATION_ID), ReadModels.text(md, MetadataKeys.CAUSATION_ID),
                description, json.writeValueAsString(details)));
        if (ofAggregate && entryPatient == null) {
            markEntriesWithoutPatient(subject, kind, aggregateId);
        }
    }

    /**
     * Keeps what the aggregate's first events say about it (patient, referral; the latest label). The entries
     * written before the patient was known (a denial processed ahead of the share after a retry, say) get the
     * patient now: only then, as the subject remembers, is the trail rewritten. Answers the subject's row, or null.
     */
    private Subject rememberSubject(AuditEntryKind kind, String aggregateId, String label, String patientId,
                                    String referralId) {
        Subject s = subjects.find(aggregateId);
        if (label == null && patientId == null && referralId == null) {
            return s;
        }
        boolean changed = false;
        if (s == null) {
            s = Subject.of(aggregateId, kind.code());
            changed = true;
        } else if (!s.knowsAnything() && !kind.code().equals(s.aggregateType)) {
            // A row that only marked entries without their patient: its type is that of the first fact, as if new.
            s.aggregateType = kind.code();
            changed = true;
        }
        if (label != null && !label.equals(s.label)) {
            s.label = label;
            changed = true;
        }
        if (s.patientId == null && patientId != null) {
            s.patientId = patientId;
            changed = true;
        }
        if (s.referralId == null && referralId != null) {
            s.referralId = referralId;
            changed = true;
        }
        if (patientId != null && s.entriesWithoutPatient) {
            entries.rewrite("aggregate_type = ? AND aggregate_id = ? AND patient_id IS NULL",
                    List.of(kind.code(), aggregateId), entry -> entry.withPatientId(patientId));
            s.entriesWithoutPatient = false;
            changed = true;
        }
        if (changed) {
            subjects.put(s);
        }
        return s;
    }

    /** An entry of the aggregate went in without a patient: the first event that names one fills it in. */
    private void markEntriesWithoutPatient(Subject subject, AuditEntryKind kind, String aggregateId) {
        if (subject == null) {
            subject = Subject.of(aggregateId, kind.code());
        } else if (subject.entriesWithoutPatient) {
            return;
        }
        subject.entriesWithoutPatient = true;
        subjects.put(subject);
    }

    private record Known(String label, String patientId, String referralId) {
    }

    /** An appointment booked for a referral without naming the patient is about the referral's patient. */
    private Known known(Subject s) {
        if (s == null) {
            return new Known(null, null, null);
        }
        String patientId = s.patientId;
        if (patientId == null && s.referralId != null) {
            Subject referral = s.referralId.equals(s.aggregateId) ? s : subjects.find(s.referralId);
            patientId = referral == null ? null : referral.patientId;
        }
        return new Known(s.label, patientId, s.referralId);
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

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }

    /** A string field of the payload, or null when it is absent or not a string. */
    private static String text(JsonNode node) {
        return node.isString() ? node.asString() : null;
    }
}
