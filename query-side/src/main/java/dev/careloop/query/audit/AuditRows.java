package dev.careloop.query.audit;

import dev.careloop.query.replay.Column;
import dev.careloop.query.replay.RowTable;
import dev.careloop.query.replay.RowValues;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/** The rows of audit_entry, audit_subject and audit_party, as {@link AuditProjection} writes them. */
final class AuditRows {

    private AuditRows() {
    }

    /** One event of the log in the trail (audit_entry); changed only to fill in its patient, or by an erasure. */
    record Entry(String eventId, long globalIndex, Instant occurredAt, String eventType, String aggregateType,
                 String aggregateId, Long sequenceNumber, String referralId, String recordId, String appointmentId,
                 String patientId, String actorUser, String actorName, String actorOrg, String actorRoles, String client,
                 String purposeOfUse, String correlationId, String causationId, String description,
                 String details) {

        Entry withPatientId(String newPatientId) {
            return new Entry(eventId, globalIndex, occurredAt, eventType, aggregateType, aggregateId, sequenceNumber,
                    referralId, recordId, appointmentId, newPatientId, actorUser, actorName, actorOrg, actorRoles, client,
                    purposeOfUse, correlationId, causationId, description, details);
        }

        Entry withText(String newDescription, String newDetails) {
            return new Entry(eventId, globalIndex, occurredAt, eventType, aggregateType, aggregateId, sequenceNumber,
                    referralId, recordId, appointmentId, patientId, actorUser, actorName, actorOrg, actorRoles, client,
                    purposeOfUse, correlationId, causationId, newDescription, newDetails);
        }

        static final RowTable<Entry> TABLE = RowTable.<Entry>named("audit_entry")
                .column("event_id", Entry::eventId)
                .column("global_index", Entry::globalIndex)
                .column("occurred_at", Entry::occurredAt)
                .column("event_type", Entry::eventType)
                .column("aggregate_type", Entry::aggregateType)
                .column("aggregate_id", Entry::aggregateId)
                .column("sequence_number", Entry::sequenceNumber)
                .column("referral_id", Entry::referralId)
                .column("record_id", Entry::recordId)
                .column("appointment_id", Entry::appointmentId)
                .column("patient_id", Entry::patientId)
                .column("actor_user", Entry::actorUser)
                .column("actor_name", Entry::actorName)
                .column("actor_org", Entry::actorOrg)
                .column("actor_roles", Entry::actorRoles)
                .column("client", Entry::client)
                .column("purpose_of_use", Entry::purposeOfUse)
                .column("correlation_id", Entry::correlationId)
                .column("causation_id", Entry::causationId)
                .column("description", Entry::description)
                .json("details", Entry::details)
                .key("event_id")
                .reader(Entry::read);

        private static Entry read(ResultSet rs) throws SQLException {
            return new Entry(rs.getString("event_id"), rs.getLong("global_index"), RowValues.instant(rs.getTimestamp("occurred_at")),
                    rs.getString("event_type"), rs.getString("aggregate_type"), rs.getString("aggregate_id"),
                    rs.getObject("sequence_number", Long.class), rs.getString("referral_id"),
                    rs.getString("record_id"), rs.getString("appointment_id"), rs.getString("patient_id"),
                    rs.getString("actor_user"), rs.getString("actor_name"), rs.getString("actor_org"), rs.getString("actor_roles"),
                    rs.getString("client"), rs.getString("purpose_of_use"), rs.getString("correlation_id"),
                    rs.getString("causation_id"), rs.getString("description"), rs.getString("details"));
        }
    }

    /**
     * What the trail knows about an aggregate (audit_subject): its patient, the referral it serves, a label; and
     * whether entries of it were written before its patient was known, which the first event naming the patient
     * fills in. A row may carry that mark alone (a denial of a record not yet shared): it then says nothing about
     * the aggregate, as no row did before.
     */
    static final class Subject {
        String aggregateId;
        String aggregateType;
        String label;
        String patientId;
        String referralId;
        boolean entriesWithoutPatient;

        static Subject of(String aggregateId, String aggregateType) {
            Subject s = new Subject();
            s.aggregateId = aggregateId;
            s.aggregateType = aggregateType;
            return s;
        }

        /** Whether the row knows anything of the aggregate (and not just that entries lack their patient). */
        boolean knowsAnything() {
            return label != null || patientId != null || referralId != null;
        }

        static final RowTable<Subject> TABLE = RowTable.<Subject>named("audit_subject")
                .column("aggregate_id", s -> s.aggregateId)
                .column("aggregate_type", s -> s.aggregateType)
                .column("label", s -> s.label)
                .column("patient_id", s -> s.patientId)
                .column("referral_id", s -> s.referralId)
                .column("entries_without_patient", s -> s.entriesWithoutPatient)
                .key("aggregate_id")
                .reader(Subject::read);

        static final Column<Subject> PATIENT_ID = TABLE.column("patient_id");

        private static Subject read(ResultSet rs) throws SQLException {
            Subject s = of(rs.getString("aggregate_id"), rs.getString("aggregate_type"));
            s.label = rs.getString("label");
            s.patientId = rs.getString("patient_id");
            s.referralId = rs.getString("referral_id");
            s.entriesWithoutPatient = rs.getBoolean("entries_without_patient");
            return s;
        }
    }

    /**
     * An organisation party to an aggregate, or to a patient's erasure (audit_party); {@code untilGlobalIndex} is the
     * event that ended its part (it sees the entries up to it), null while it is a party.
     */
    record Party(String aggregateId, String organisation, Long untilGlobalIndex) {

        Party(String aggregateId, String organisation) {
            this(aggregateId, organisation, null);
        }

        static final RowTable<Party> TABLE = RowTable.<Party>named("audit_party")
                .column("aggregate_id", Party::aggregateId)
                .column("organisation", Party::organisation)
                .column("until_global_index", Party::untilGlobalIndex)
                .key("aggregate_id", "organisation")
                .reader(rs -> new Party(rs.getString("aggregate_id"), rs.getString("organisation"),
                        rs.getObject("until_global_index", Long.class)));

        static final Column<Party> AGGREGATE_ID = TABLE.column("aggregate_id");
    }

    /**
     * An unkeyed patient id and the keyed id that replaced it (patient_id_alias), from PatientRekeyed: entries keep the
     * id their event named, and a search by either id finds both.
     */
    record Alias(String oldPatientId, String newPatientId) {

        static final RowTable<Alias> TABLE = RowTable.<Alias>named("patient_id_alias")
                .column("old_patient_id", Alias::oldPatientId)
                .column("new_patient_id", Alias::newPatientId)
                .key("old_patient_id")
                .reader(rs -> new Alias(rs.getString("old_patient_id"), rs.getString("new_patient_id")));
    }
}
