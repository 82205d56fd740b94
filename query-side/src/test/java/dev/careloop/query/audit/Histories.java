package dev.careloop.query.audit;

import dev.careloop.api.Patient;
import dev.careloop.api.PurposeOfUse;
import dev.careloop.api.appointment.*;
import dev.careloop.api.record.*;
import dev.careloop.api.referral.*;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import static dev.careloop.query.audit.TestLog.*;

/**
 * Histories that between them hold every kind of referral, shared-record and appointment event, in orders the
 * aggregates allow. The as-of tests check that this is still true whenever an event type is added to the api.
 */
public final class Histories {

    public static final Instant IN_A_YEAR = Instant.parse("2027-03-01T00:00:00Z");

    private Histories() {
    }

    /** northside-gp refers to riverside-derm, which forwards to lakeside-cardio; the loop closes, then refer-back. */
    public static void longReferral(TestLog log, String id, Patient patient) {
        Appointment monday = new Appointment(Instant.parse("2026-04-06T09:00:00.000000700Z"),
                Instant.parse("2026-04-06T09:30:00Z"), "Room 4");
        Appointment tuesday = new Appointment(Instant.parse("2026-04-07T14:00:00Z"),
                Instant.parse("2026-04-07T14:30:00Z"), "Room 7");
        log.by(GP, "dr-north", new ReferralSent(id, "REF-" + id, "urn:careloop:northside-gp:referral", GP, DERM,
                patient, Priority.URGENT, "Dermatology", "Changing mole", "since March",
                Instant.parse("2026-03-05T09:00:00.000000501Z"), null, ReferralStatus.CREATED));
        log.by(DERM, "triage-derm", new ReferralForwarded(id, patient.patientId(), DERM, CARDIO, "cardiac symptoms",
                ReferralStatus.CREATED));
        log.by(CARDIO, "dr-lake", new InformationRequested(id, patient.patientId(), "Recent ECG?",
                ReferralStatus.INFORMATION_REQUESTED));
        log.by(GP, "dr-north", new InformationProvided(id, patient.patientId(), "Attached", ReferralStatus.CREATED));
        log.by(CARDIO, "dr-lake", new ReferralAccepted(id, ReferralStatus.ACCEPTED));
        log.by(GP, "dr-north", new RecordAttached(id, patient.patientId(), "rec-of-" + id, "ECG",
                new DocumentType("11524-6", "EKG study"), ReferralStatus.ACCEPTED));
        log.by(CARDIO, "desk-lake", new VisitScheduled(id, "apt-1-" + id, 1, monday, ReferralStatus.SCHEDULED));
        log.by(CARDIO, "desk-lake", new VisitRescheduled(id, patient.patientId(), "apt-1-" + id, 2, tuesday,
                "clinic closed", ReferralStatus.SCHEDULED));
        log.by(CARDIO, "desk-lake", new NoShowRecorded(id, "apt-1-" + id, 3, ReferralStatus.NO_SHOW));
        log.by(CARDIO, "desk-lake", new VisitScheduled(id, "apt-2-" + id, 1, monday, ReferralStatus.SCHEDULED));
        log.by(CARDIO, "desk-lake", new VisitCancelled(id, patient.patientId(), "apt-2-" + id, 2, "patient unwell",
                ReferralStatus.APPOINTMENT_CANCELLED));
        log.by(CARDIO, "desk-lake", new VisitScheduled(id, "apt-3-" + id, 1, tuesday, ReferralStatus.SCHEDULED));
        log.by(CARDIO, "dr-lake", new InterimNoteSent(id, patient.patientId(), "Echo booked",
                ReferralStatus.INTERIM_NOTE_SENT));
        log.by(CARDIO, null, new ReferralSlaMissed(id, Instant.parse("2026-03-05T09:00:00Z"),
                ReferralStatus.INTERIM_NOTE_SENT));
        log.by(CARDIO, "dr-lake", new OutcomeSent(id, patient.patientId(), "Benign murmur", ReferralStatus.COMPLETED));
        log.by(GP, "dr-north", new OutcomeAcknowledged(id, ReferralStatus.COMPLETED));
        log.by(CARDIO, "dr-lake", new ReferredBack(id, "back-" + id, ReferralStatus.COMPLETED));
    }

    /** Sent, accepted, then cancelled at the initiator's request. */
    public static void cancelledReferral(TestLog log, String id, Patient patient) {
        sent(log, id, patient, GP, DERM);
        log.by(DERM, "triage-derm", new ReferralAccepted(id, ReferralStatus.ACCEPTED));
        log.by(GP, "dr-north", new CancellationRequested(id, patient.patientId(), "patient moved",
                ReferralStatus.CANCELLATION_REQUESTED));
        log.by(DERM, "triage-derm", new CancellationConfirmed(id, ReferralStatus.CANCELLED));
    }

    public static void declinedReferral(TestLog log, String id, Patient patient) {
        sent(log, id, patient, GP, DERM);
        log.by(DERM, "triage-derm", new ReferralDeclined(id, patient.patientId(), "not our specialty",
                ReferralStatus.DECLINED));
    }

    /** Sent, assigned at riverside-derm, handed to another clinician, taken back, assigned again, then forwarded. */
    public static void assignedReferral(TestLog log, String id, Patient patient) {
        sent(log, id, patient, GP, DERM);
        log.by(DERM, "coord-derm", new ReferralAssigned(id, "dr-shah", "Dr Priya Shah", ReferralStatus.CREATED));
        log.by(DERM, "coord-derm", new ReferralAssigned(id, "dr-okafor", "Dr Tom Okafor", ReferralStatus.CREATED));
        log.by(DERM, "coord-derm", new ReferralUnassigned(id, "dr-okafor", "Dr Tom Okafor", ReferralStatus.CREATED));
        log.by(DERM, "coord-derm", new ReferralAssigned(id, "dr-shah", "Dr Priya Shah", ReferralStatus.CREATED));
        log.by(DERM, "triage-derm", new ReferralForwarded(id, patient.patientId(), DERM, CARDIO, "cardiac symptoms",
                ReferralStatus.CREATED));
    }

    public static void sent(TestLog log, String id, Patient patient, String from, String to) {
        log.by(from, "dr-" + from, new ReferralSent(id, "REF-" + id, "urn:careloop:" + from + ":referral", from, to,
                patient, Priority.ROUTINE, "Dermatology", "Rash", null, Instant.parse("2026-03-16T09:00:00Z"), null,
                ReferralStatus.CREATED));
    }

    /**
     * northside-gp shares a record with riverside-derm and lakeside-cardio; derm reads it, it is amended, derm reads
     * version 2, cardio's access is revoked, the rest expires.
     */
    public static void sharedRecord(TestLog log, String id, String referralId, Patient patient) {
        RecordContent v1 = new RecordContent("a".repeat(64), 1200, "application/pdf");
        RecordContent v2 = new RecordContent("b".repeat(64), 1500, "application/pdf");
        log.by(GP, "dr-north", new RecordShared(id, referralId, GP, patient, Set.of(DERM, CARDIO),
                new DocumentType("18842-5", "Discharge summary"), "Discharge summary", "after surgery", v1,
                PurposeOfUse.TREATMENT, IN_A_YEAR));
        log.by(DERM, "dr-rivers", new RecordDisclosed(id, DERM, PurposeOfUse.TREATMENT, 1, v1.sha256(), v1.size(),
                log.now()));
        log.by(GP, "dr-north", new RecordAmended(id, patient.patientId(), 2, v2, "Discharge summary (corrected)",
                null, "typo"));
        log.by(DERM, "dr-rivers", PurposeOfUse.COORDINATION, new RecordDisclosed(id, DERM, PurposeOfUse.COORDINATION, 2, v2.sha256(),
                v2.size(), log.now()));
        log.by(GP, "dr-north", new RecordAccessRevoked(id, patient.patientId(), CARDIO, "consent withdrawn"));
        log.by(GP, null, new RecordAccessExpired(id, IN_A_YEAR));
    }

    /**
     * northside-gp shares a record on referral {@code referralId} with riverside-derm, which reads it and forwards the
     * referral to lakeside-cardio: derm's access ends, cardio's begins; the record is amended and cardio reads it.
     */
    public static void forwardedRecord(TestLog log, String id, String referralId, Patient patient) {
        RecordContent v1 = new RecordContent("c".repeat(64), 900, "application/pdf");
        RecordContent v2 = new RecordContent("d".repeat(64), 950, "application/pdf");
        log.by(GP, "dr-north", new RecordShared(id, referralId, GP, patient, Set.of(DERM),
                new DocumentType("11524-6", "EKG study"), "ECG", "resting ECG", v1, PurposeOfUse.TREATMENT,
                IN_A_YEAR));
        log.by(DERM, "dr-rivers", new RecordDisclosed(id, DERM, PurposeOfUse.TREATMENT, 1, v1.sha256(), v1.size(),
                log.now()));
        log.by(DERM, "triage-derm", new RecordAccessRevoked(id, patient.patientId(), DERM,
                "the referral was forwarded to " + CARDIO, referralId));
        log.by(DERM, "triage-derm", new RecordAccessGranted(id, patient.patientId(), CARDIO, referralId,
                "the referral was forwarded to " + CARDIO + " by " + DERM));
        log.by(GP, "dr-north", new RecordAmended(id, patient.patientId(), 2, v2, "ECG (repeat)", null,
                "repeated after treatment"));
        log.by(CARDIO, "dr-lake", new RecordDisclosed(id, CARDIO, PurposeOfUse.TREATMENT, 2, v2.sha256(), v2.size(),
                log.now()));
    }

    /** A clinician of lakeside-cardio breaks the glass on record {@code id}; northside-gp's officer reviews it. */
    public static void emergencyAccess(TestLog log, String id, Patient patient) {
        RecordContent v2 = new RecordContent("b".repeat(64), 1500, "application/pdf");
        log.by(CARDIO, "dr-lake", PurposeOfUse.EMERGENCY, new EmergencyAccessUsed(id, patient.patientId(), "ea-1", GP,
                CARDIO, "dr-lake", 2, "unconscious in A&E", log.now()));
        log.by(CARDIO, "dr-lake", PurposeOfUse.EMERGENCY, new RecordDisclosed(id, CARDIO, PurposeOfUse.EMERGENCY, 2,
                v2.sha256(), v2.size(), log.now()));
        log.by(GP, "audit-north", new EmergencyAccessReviewed(id, patient.patientId(), "ea-1", "audit-north",
                "justified"));
    }

    /** riverside-derm proposes, books, moves, reminds, hands off to lakeside-cardio; the patient comes. */
    public static void fulfilledAppointment(TestLog log, String id, String referralId, Patient patient) {
        Slot monday = new Slot(Instant.parse("2026-04-06T09:00:00Z"), Instant.parse("2026-04-06T09:30:00Z"));
        Slot tuesday = new Slot(Instant.parse("2026-04-07T14:00:00.000000900Z"), null);
        log.by(DERM, "desk-derm", new AppointmentProposed(id, referralId, patient, DERM, Set.of(GP, DERM),
                List.of(tuesday, monday), "Room 4", "Consult", AppointmentStatus.PROPOSED));
        log.by(GP, "dr-north", new AppointmentBooked(id, referralId, patient, DERM, Set.of(GP, DERM), monday, null,
                null, AppointmentStatus.BOOKED));
        log.by(DERM, "desk-derm", new AppointmentRescheduled(id, patient.patientId(), referralId, tuesday, "Room 9",
                "clinic closed", AppointmentStatus.BOOKED));
        log.by(DERM, null, new AppointmentReminderDue(id, referralId, tuesday.start(), AppointmentStatus.BOOKED));
        log.by(DERM, "desk-derm", new AppointmentHandedOff(id, patient.patientId(), referralId, DERM, CARDIO,
                "day surgery", AppointmentStatus.BOOKED));
        log.by(CARDIO, "desk-lake", new PatientArrived(id, referralId, AppointmentStatus.ARRIVED));
        log.by(CARDIO, "dr-lake", new AppointmentFulfilled(id, referralId, AppointmentStatus.FULFILLED));
    }

    /** Booked directly without a referral, then cancelled. */
    public static void cancelledAppointment(TestLog log, String id, Patient patient) {
        log.by(CARDIO, "desk-lake", new AppointmentBooked(id, null, patient, CARDIO, Set.of(CARDIO),
                new Slot(Instant.parse("2026-05-01T08:00:00Z"), Instant.parse("2026-05-01T08:20:00Z")), "Ward 2",
                "Pre-op", AppointmentStatus.BOOKED));
        log.by(CARDIO, "desk-lake", new AppointmentCancelled(id, patient.patientId(), null, "surgery cancelled", false,
                AppointmentStatus.CANCELLED));
    }

    public static void missedAppointment(TestLog log, String id, String referralId, Patient patient) {
        log.by(DERM, "desk-derm", new AppointmentBooked(id, referralId, patient, DERM, Set.of(DERM, GP),
                new Slot(Instant.parse("2026-05-02T08:00:00Z"), Instant.parse("2026-05-02T08:20:00Z")), "Room 1",
                null, AppointmentStatus.BOOKED));
        log.by(DERM, "desk-derm", new PatientDidNotAttend(id, referralId, AppointmentStatus.NO_SHOW));
    }
}
