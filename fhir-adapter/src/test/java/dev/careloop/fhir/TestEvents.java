package dev.careloop.fhir;

import dev.careloop.api.MetadataKeys;
import dev.careloop.api.Patient;
import dev.careloop.api.PurposeOfUse;
import dev.careloop.api.TestPatients;
import dev.careloop.api.appointment.*;
import dev.careloop.api.record.*;
import dev.careloop.api.referral.*;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericEventMessage;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every event the FHIR mapping reads, made in one place: when an event gains a field, only its factory here
 * changes. Histories are built with {@link History}: event n is stamped {@code T0 + n minutes}, by the actor set
 * last with {@link History#by}.
 */
public final class TestEvents {

    public static final Instant T0 = Instant.parse("2025-03-03T09:00:00Z");
    public static final String GP = "northside-gp";
    public static final String DERM = "riverside-derm";
    public static final String CARDIO = "lakeside-cardio";
    public static final String REFERRAL = "r-1";
    public static final String RECORD = "rec-1";
    public static final String APPOINTMENT = "appt-1";
    public static final String SHA_1 = "a".repeat(64);
    public static final String SHA_2 = "b".repeat(64);

    private TestEvents() {
    }

    public static Patient alex() {
        return TestPatients.patient("https://northside-gp.example/mrn", "NG-1001", "Alex Morgan", LocalDate.of(1980, 4, 2));
    }

    public static Instant at(long minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    // Referral events

    public static ReferralSent referralSent(String referralId, String from, String to, String basedOn) {
        return new ReferralSent(referralId, "REF-" + referralId, ReferralIdentifiers.systemFor(from), from, to, alex(),
                Priority.URGENT, "Dermatology consult", "Changing naevus on the left shoulder",
                "Photos attached; patient anxious", at(60 * 24), basedOn, ReferralStatus.CREATED);
    }

    public static ReferralAccepted accepted(String referralId) {
        return new ReferralAccepted(referralId, ReferralStatus.ACCEPTED);
    }

    public static ReferralDeclined declined(String referralId) {
        return new ReferralDeclined(referralId, alex().patientId(), "Outside our catchment area",
                ReferralStatus.DECLINED);
    }

    public static ReferralForwarded forwarded(String referralId, String from, String to) {
        return new ReferralForwarded(referralId, alex().patientId(), from, to, "Cardiac symptoms first",
                ReferralStatus.CREATED);
    }

    public static InformationRequested informationRequested(String referralId) {
        return new InformationRequested(referralId, alex().patientId(), "Any family history of melanoma?",
                ReferralStatus.INFORMATION_REQUESTED);
    }

    public static InformationProvided informationProvided(String referralId, ReferralStatus resumed) {
        return new InformationProvided(referralId, alex().patientId(), "Mother, diagnosed at 52", resumed);
    }

    public static VisitScheduled visitScheduled(String referralId, long appointmentVersion) {
        return new VisitScheduled(referralId, APPOINTMENT, appointmentVersion,
                new dev.careloop.api.referral.Appointment(at(60 * 48), at(60 * 48 + 30), "Clinic B, room 3"),
                ReferralStatus.SCHEDULED);
    }

    public static VisitRescheduled visitRescheduled(String referralId, long appointmentVersion) {
        return new VisitRescheduled(referralId, alex().patientId(), APPOINTMENT, appointmentVersion,
                new dev.careloop.api.referral.Appointment(at(60 * 72), at(60 * 72 + 30), "Clinic B, room 4"),
                "Clinician unavailable", ReferralStatus.SCHEDULED);
    }

    public static NoShowRecorded noShowRecorded(String referralId, long appointmentVersion) {
        return new NoShowRecorded(referralId, APPOINTMENT, appointmentVersion, ReferralStatus.NO_SHOW);
    }

    public static VisitCancelled visitCancelled(String referralId, long appointmentVersion) {
        return new VisitCancelled(referralId, alex().patientId(), APPOINTMENT, appointmentVersion,
                "Patient asked for another day", ReferralStatus.APPOINTMENT_CANCELLED);
    }

    public static InterimNoteSent interimNoteSent(String referralId, List<String> recordIds) {
        return new InterimNoteSent(referralId, alex().patientId(), "Biopsy taken, results in a week",
                ReferralStatus.INTERIM_NOTE_SENT, recordIds);
    }

    public static CancellationRequested cancellationRequested(String referralId) {
        return new CancellationRequested(referralId, alex().patientId(), "Patient moved away",
                ReferralStatus.CANCELLATION_REQUESTED);
    }

    public static CancellationConfirmed cancellationConfirmed(String referralId) {
        return new CancellationConfirmed(referralId, ReferralStatus.CANCELLED);
    }

    public static OutcomeSent outcomeSent(String referralId, List<String> recordIds) {
        return new OutcomeSent(referralId, alex().patientId(), "Benign compound naevus; no follow-up needed",
                ReferralStatus.COMPLETED, recordIds);
    }

    public static OutcomeAcknowledged outcomeAcknowledged(String referralId) {
        return new OutcomeAcknowledged(referralId, ReferralStatus.COMPLETED);
    }

    public static ReferralSlaMissed slaMissed(String referralId, ReferralStatus unchanged) {
        return new ReferralSlaMissed(referralId, at(60 * 24), unchanged);
    }

    public static RecordAttached recordAttached(String referralId, String recordId, ReferralStatus unchanged) {
        return new RecordAttached(referralId, alex().patientId(), recordId, "Dermatoscopy images",
                new DocumentType("72170-4", "Photographic image"), unchanged);
    }

    public static ReferredBack referredBack(String referralId, String newReferralId) {
        return new ReferredBack(referralId, newReferralId, ReferralStatus.COMPLETED);
    }

    // Shared-record events

    public static RecordShared recordShared(String recordId, String referralId, String author, Set<String> recipients) {
        return new RecordShared(recordId, referralId, author, alex(), recipients,
                new DocumentType("11490-0", "Discharge summary"), "Discharge summary March 2025",
                "Admission for chest pain", new RecordContent(SHA_1, 2048, "application/pdf"), PurposeOfUse.TREATMENT,
                at(60 * 24 * 30));
    }

    public static RecordAmended recordAmended(String recordId, int version) {
        return new RecordAmended(recordId, alex().patientId(), version, new RecordContent(SHA_2, 4096,
                "application/pdf"), "Discharge summary March 2025 (corrected)", null, "Medication list corrected");
    }

    public static RecordAccessRevoked accessRevoked(String recordId, String organisation) {
        return new RecordAccessRevoked(recordId, alex().patientId(), organisation, "Shared with the wrong clinic");
    }

    /** The referral the record is attached to went from {@code from} to {@code to}. */
    public static RecordAccessRevoked accessEndedByForward(String recordId, String from, String to) {
        return new RecordAccessRevoked(recordId, alex().patientId(), from, "the referral was forwarded to " + to,
                REFERRAL);
    }

    public static dev.careloop.api.record.RecordAccessGranted accessGrantedByForward(String recordId, String from,
                                                                                   String to) {
        return new dev.careloop.api.record.RecordAccessGranted(recordId, alex().patientId(), to, REFERRAL,
                "the referral was forwarded to " + to + " by " + from);
    }

    public static RecordAccessExpired accessExpired(String recordId) {
        return new RecordAccessExpired(recordId, at(60 * 24 * 30));
    }

    public static RecordDisclosed disclosed(String recordId, String organisation, int version, String sha256) {
        return new RecordDisclosed(recordId, organisation, PurposeOfUse.TREATMENT, version, sha256, 2048, at(5));
    }

    public static EmergencyAccessUsed emergencyAccess(String recordId, String organisation, int version) {
        return new EmergencyAccessUsed(recordId, alex().patientId(), "access-1", GP, organisation, "dr.emergency",
                version, "Unconscious in the emergency department, allergies unknown", at(8));
    }

    public static EmergencyAccessReviewed emergencyAccessReviewed(String recordId) {
        return new EmergencyAccessReviewed(recordId, alex().patientId(), "access-1", "officer.north",
                "Justified: admitted unconscious");
    }

    public static RecordAccessDenied accessDenied(String recordId, String organisation) {
        return new RecordAccessDenied(recordId, organisation, PurposeOfUse.TREATMENT, null,
                "the record was not shared with " + organisation, at(7));
    }

    // Appointment events

    public static AppointmentProposed appointmentProposed(String appointmentId, String referralId, String performer,
                                                          Set<String> participants) {
        return new AppointmentProposed(appointmentId, referralId, alex(), performer, participants,
                List.of(new Slot(at(60 * 48), at(60 * 48 + 30)), new Slot(at(60 * 50), at(60 * 50 + 30))),
                "Clinic B, room 3", "Dermatology consult", AppointmentStatus.PROPOSED);
    }

    public static AppointmentBooked appointmentBooked(String appointmentId, String referralId, String performer,
                                                      Set<String> participants) {
        return new AppointmentBooked(appointmentId, referralId, alex(), performer, participants,
                new Slot(at(60 * 48), at(60 * 48 + 30)), "Clinic B, room 3", "Dermatology consult",
                AppointmentStatus.BOOKED);
    }

    public static AppointmentRescheduled appointmentRescheduled(String appointmentId, String referralId) {
        return new AppointmentRescheduled(appointmentId, alex().patientId(), referralId, new Slot(at(60 * 72),
                at(60 * 72 + 45)), null, "Clinician unavailable", AppointmentStatus.BOOKED);
    }

    public static AppointmentReminderDue reminderDue(String appointmentId, String referralId) {
        return new AppointmentReminderDue(appointmentId, referralId, at(60 * 72), AppointmentStatus.BOOKED);
    }

    public static AppointmentHandedOff handedOff(String appointmentId, String referralId, String from, String to) {
        return new AppointmentHandedOff(appointmentId, alex().patientId(), referralId, from, to,
                "Cardiology takes over", AppointmentStatus.BOOKED);
    }

    public static AppointmentCancelled appointmentCancelled(String appointmentId, String referralId) {
        return new AppointmentCancelled(appointmentId, alex().patientId(), referralId,
                "Patient asked for another day", false, AppointmentStatus.CANCELLED);
    }

    public static PatientArrived arrived(String appointmentId, String referralId) {
        return new PatientArrived(appointmentId, referralId, AppointmentStatus.ARRIVED);
    }

    public static AppointmentFulfilled fulfilled(String appointmentId, String referralId) {
        return new AppointmentFulfilled(appointmentId, referralId, AppointmentStatus.FULFILLED);
    }

    public static PatientDidNotAttend didNotAttend(String appointmentId, String referralId) {
        return new PatientDidNotAttend(appointmentId, referralId, AppointmentStatus.NO_SHOW);
    }

    // Messages

    /** Metadata as the write side stamps it on an event made by {@code user} of {@code organisation}. */
    public static Map<String, Object> metaData(String user, String organisation, long sequence) {
        Map<String, Object> metaData = new HashMap<>();
        metaData.put(MetadataKeys.USER, user);
        metaData.put(MetadataKeys.ORGANISATION, organisation);
        metaData.put(MetadataKeys.ROLES, List.of("clinician"));
        metaData.put(MetadataKeys.CLIENT, "careloop-web");
        metaData.put(MetadataKeys.PURPOSE_OF_USE, PurposeOfUse.TREATMENT);
        metaData.put(MetadataKeys.CORRELATION_ID, "req-" + organisation + "-" + sequence);
        metaData.put(MetadataKeys.CAUSATION_ID, "cmd-" + organisation + "-" + sequence);
        return metaData;
    }

    /** RecordAccessDenied is published on its own, without an aggregate. */
    public static EventMessage<RecordAccessDenied> deniedMessage(RecordAccessDenied denied, String user) {
        return new GenericEventMessage<>("denied-" + denied.recordId() + "-" + user, denied,
                metaData(user, denied.organisation(), 0), at(7));
    }

    public static History referral(String referralId) {
        return new History("Referral", referralId);
    }

    public static History record(String recordId) {
        return new History("SharedRecord", recordId);
    }

    public static History appointment(String appointmentId) {
        return new History("AppointmentHandoff", appointmentId);
    }

    /** One aggregate's events, in order, as the event store gives them. */
    public static final class History {
        private final String type;
        private final String aggregateId;
        private final List<DomainEventMessage<?>> events = new ArrayList<>();
        private String user;
        private String userName;
        private String organisation;

        History(String type, String aggregateId) {
            this.type = type;
            this.aggregateId = aggregateId;
        }

        /** The following events are made by {@code user} of {@code organisation}. */
        public History by(String user, String organisation) {
            this.user = user;
            this.userName = null;
            this.organisation = organisation;
            return this;
        }

        /** The following events are made by a person signed in ({@code userName}: how they acted, "name, title"). */
        public History byPerson(String user, String userName, String organisation) {
            by(user, organisation);
            this.userName = userName;
            return this;
        }

        /** The following events are made by CareLoop itself (a deadline): no user in the metadata. */
        public History byCareLoop() {
            return by(null, null);
        }

        public History then(Object payload) {
            long sequence = events.size();
            Map<String, Object> metaData = user == null ? Map.of() : metaData(user, organisation, sequence);
            if (userName != null) {
                metaData.put(MetadataKeys.USER_NAME, userName);
            }
            events.add(new GenericDomainEventMessage<>(type, aggregateId, sequence, payload, metaData,
                    aggregateId + "#" + sequence, at(sequence)));
            return this;
        }

        public List<DomainEventMessage<?>> events() {
            return List.copyOf(events);
        }

        public List<DomainEventMessage<?>> first(int n) {
            return List.copyOf(events.subList(0, n));
        }

        public int size() {
            return events.size();
        }

        public String aggregateId() {
            return aggregateId;
        }
    }
}
