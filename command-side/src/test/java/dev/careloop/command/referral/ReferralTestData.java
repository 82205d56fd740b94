package dev.careloop.command.referral;

import dev.careloop.api.TestPatients;
import dev.careloop.command.CommandTesting;
import dev.careloop.command.appointment.VisitBooking;
import dev.careloop.command.record.ForwardingWithRecords;
import org.axonframework.test.aggregate.AggregateTestFixture;
import dev.careloop.command.rules.Refusal;
import dev.careloop.api.Actor;
import dev.careloop.api.referral.Appointment;
import dev.careloop.api.referral.VisitCancelled;
import dev.careloop.api.referral.CancellationConfirmed;
import dev.careloop.api.referral.CancellationRequested;
import dev.careloop.api.referral.InformationProvided;
import dev.careloop.api.referral.InformationRequested;
import dev.careloop.api.referral.InterimNoteSent;
import dev.careloop.api.referral.NoShowRecorded;
import dev.careloop.api.referral.OutcomeSent;
import dev.careloop.api.Patient;
import dev.careloop.api.referral.Priority;
import dev.careloop.api.referral.ReferralAccepted;
import dev.careloop.api.referral.ReferralDeclined;
import dev.careloop.api.referral.ReferralForwarded;
import dev.careloop.api.referral.ReferralSent;
import dev.careloop.api.referral.ReferralStatus;
import dev.careloop.api.referral.SendReferral;
import dev.careloop.api.referral.VisitScheduled;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.messaging.MetaData;
import org.hamcrest.Matcher;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;

import static dev.careloop.api.referral.ReferralStatus.ACCEPTED;
import static dev.careloop.api.referral.ReferralStatus.APPOINTMENT_CANCELLED;
import static dev.careloop.api.referral.ReferralStatus.CANCELLATION_REQUESTED;
import static dev.careloop.api.referral.ReferralStatus.CANCELLED;
import static dev.careloop.api.referral.ReferralStatus.COMPLETED;
import static dev.careloop.api.referral.ReferralStatus.CREATED;
import static dev.careloop.api.referral.ReferralStatus.DECLINED;
import static dev.careloop.api.referral.ReferralStatus.INFORMATION_REQUESTED;
import static dev.careloop.api.referral.ReferralStatus.INTERIM_NOTE_SENT;
import static dev.careloop.api.referral.ReferralStatus.NO_SHOW;
import static dev.careloop.api.referral.ReferralStatus.SCHEDULED;

/**
 * The people, organisations and histories the referral tests share: Northside GP refers a patient to
 * Riverside Dermatology; Hillside Dermatology is where Riverside forwards to; Lakeside Cardiology has
 * nothing to do with the referral. Every history is written out event by event, never derived from the
 * production transition table.
 */
final class ReferralTestData {
    /** The appointment the test referrals book. */
    static final String APPOINTMENT_ID = "appointment-1";
    /** The appointment a new booking creates. */
    static final String NEXT_APPOINTMENT_ID = "appointment-2";


    static final String REFERRAL_ID = "ref-0001";
    static final String NORTHSIDE = "northside-gp";
    static final String RIVERSIDE = "riverside-derm";
    static final String HILLSIDE = "hillside-derm";
    static final String LAKESIDE = "lakeside-cardio";

    /** The referral identifier system belongs to the organisation that numbers the referral. */
    static final String NORTHSIDE_IDENTIFIER_SYSTEM = "https://careloop.dev/fhir/sid/referral/northside-gp";
    static final String RIVERSIDE_IDENTIFIER_SYSTEM = "https://careloop.dev/fhir/sid/referral/riverside-derm";
    static final String HILLSIDE_IDENTIFIER_SYSTEM = "https://careloop.dev/fhir/sid/referral/hillside-derm";

    static final Instant SENT_AT = Instant.parse("2030-03-01T09:00:00Z");
    static final Instant SLA_DUE = Instant.parse("2030-03-03T09:00:00Z");
    static final String SLA_DEADLINE = "referral-sla";

    static final Patient PATIENT = TestPatients.patient("https://northside-gp.example/mrn", "MRN-0042", "Ada Patel",
            LocalDate.of(1961, 4, 9));
    static final String REFERRAL_NUMBER = "NGP-2030-0001";
    static final String SERVICE = "dermatology";
    static final String REASON = "changing pigmented lesion on the left forearm";
    static final String NOTE = "dermoscopy photos attached";

    static final Appointment APPOINTMENT = new Appointment(Instant.parse("2030-03-10T10:00:00Z"),
            Instant.parse("2030-03-10T10:30:00Z"), "Riverside Dermatology, room 3");
    static final Appointment MOVED_APPOINTMENT = new Appointment(Instant.parse("2030-03-12T14:00:00Z"),
            Instant.parse("2030-03-12T14:30:00Z"), "Riverside Dermatology, room 1");

    static final String DECLINE_REASON = "not a dermatology problem";
    static final String FORWARD_REASON = "Hillside runs the pigmented lesion clinic";
    static final String QUESTION = "How long has the lesion been changing?";
    static final String ANSWER = "About three months";
    static final String RESCHEDULE_REASON = "clinician on leave";
    static final String APPOINTMENT_CANCEL_REASON = "clinic closed for flooding";
    static final String INTERIM_NOTE = "biopsy taken, histology pending";
    static final String CANCELLATION_REASON = "patient has moved away";
    static final String REPORT = "benign compound naevus; no follow-up needed";

    static final String NEW_REFERRAL_ID = "ref-0002";
    static final String BACK_REFERRAL_NUMBER = "RDM-2030-0042";
    static final Priority BACK_PRIORITY = Priority.URGENT;
    static final String BACK_SERVICE = "general practice";
    static final String BACK_REASON = "start topical treatment and review";
    static final String BACK_NOTE = "please review in six weeks";
    static final Instant BACK_SLA_DUE = Instant.parse("2030-03-20T09:00:00Z");

    // The initiating clinic: its staff hold both clinical and coordinating roles.
    static final Actor NORTHSIDE_STAFF = actor("dr-north", NORTHSIDE, Actor.CLINICIAN, Actor.COORDINATOR);
    static final Actor NORTHSIDE_COORDINATOR = actor("coord-north", NORTHSIDE, Actor.COORDINATOR);
    static final Actor NORTHSIDE_COMPLIANCE = actor("audit-north", NORTHSIDE, Actor.COMPLIANCE);
    static final Actor NORTHSIDE_ADMIN = actor("admin-north", NORTHSIDE, Actor.ADMIN);

    // The receiving clinic.
    static final Actor RIVERSIDE_CLINICIAN = actor("dr-river", RIVERSIDE, Actor.CLINICIAN);
    static final Actor RIVERSIDE_COORDINATOR = actor("coord-river", RIVERSIDE, Actor.COORDINATOR);
    static final Actor RIVERSIDE_STAFF = actor("lead-river", RIVERSIDE, Actor.CLINICIAN, Actor.COORDINATOR);
    static final Actor RIVERSIDE_COMPLIANCE = actor("audit-river", RIVERSIDE, Actor.COMPLIANCE);
    static final Actor RIVERSIDE_ADMIN = actor("admin-river", RIVERSIDE, Actor.ADMIN);

    static final Actor HILLSIDE_CLINICIAN = actor("dr-hill", HILLSIDE, Actor.CLINICIAN);
    static final Actor LAKESIDE_STAFF = actor("dr-lake", LAKESIDE, Actor.CLINICIAN, Actor.COORDINATOR);

    private ReferralTestData() {
    }

    /** A referral fixture that also takes the referral API's visit actions (see {@link VisitBooking}). */
    static AggregateTestFixture<Referral> referralFixture() {
        return ForwardingWithRecords.handledBy(VisitBooking.handledBy(new AggregateTestFixture<>(Referral.class)));
    }

    static Actor actor(String userId, String organisation, String... roles) {
        return new Actor(userId, organisation, Set.of(roles), null, null);
    }

    /** The metadata a command carries when {@code actor} sends it. */
    static MetaData by(Actor actor) {
        return CommandTesting.by(actor);
    }

    /** ... with the version the caller last saw (HTTP If-Match). */
    static MetaData by(Actor actor, long expectedVersion) {
        return CommandTesting.by(actor, expectedVersion);
    }

    /** A command as {@code givenCommands} needs it, carrying its actor. */
    static CommandMessage<?> command(Object payload, Actor actor) {
        return CommandTesting.command(payload, actor);
    }

    static SendReferral sendReferral() {
        return new SendReferral(REFERRAL_ID, REFERRAL_NUMBER, RIVERSIDE, PATIENT, Priority.ROUTINE, SERVICE, REASON,
                NOTE, SLA_DUE);
    }

    /** Northside GP's referral of Ada Patel to Riverside Dermatology, as the log records it. */
    static ReferralSent referralSent() {
        return new ReferralSent(REFERRAL_ID, REFERRAL_NUMBER, NORTHSIDE_IDENTIFIER_SYSTEM, NORTHSIDE, RIVERSIDE,
                PATIENT, Priority.ROUTINE, SERVICE, REASON, NOTE, SLA_DUE, null, CREATED);
    }

    static ReferralAccepted accepted() {
        return new ReferralAccepted(REFERRAL_ID, ACCEPTED);
    }

    static ReferralForwarded forwardedToHillside(ReferralStatus status) {
        return new ReferralForwarded(REFERRAL_ID, PATIENT.patientId(), RIVERSIDE, HILLSIDE, FORWARD_REASON, status);
    }

    static InformationRequested informationRequested() {
        return new InformationRequested(REFERRAL_ID, PATIENT.patientId(), QUESTION, INFORMATION_REQUESTED);
    }

    static VisitScheduled visitScheduled() {
        return new VisitScheduled(REFERRAL_ID, APPOINTMENT_ID, 1, APPOINTMENT, SCHEDULED);
    }

    static OutcomeSent outcomeSent() {
        return new OutcomeSent(REFERRAL_ID, PATIENT.patientId(), REPORT, COMPLETED);
    }

    /**
     * A realistic history that leaves the referral in {@code status}, with Riverside as the recipient.
     * Where the appointment matters it says so: in INTERIM_NOTE_SENT a visit is still booked (version 1 of
     * APPOINTMENT_ID); in NO_SHOW the patient missed it and in APPOINTMENT_CANCELLED it was cancelled (version 2).
     */
    static List<Object> history(ReferralStatus status) {
        return switch (status) {
            case CREATED -> List.of(referralSent());
            case ACCEPTED -> List.of(referralSent(), accepted());
            case DECLINED -> List.of(referralSent(), new ReferralDeclined(REFERRAL_ID, PATIENT.patientId(),
                    DECLINE_REASON, DECLINED));
            case SCHEDULED -> List.of(referralSent(), accepted(), visitScheduled());
            case NO_SHOW -> List.of(referralSent(), accepted(), visitScheduled(),
                    new NoShowRecorded(REFERRAL_ID, APPOINTMENT_ID, 2, NO_SHOW));
            case APPOINTMENT_CANCELLED -> List.of(referralSent(), accepted(), visitScheduled(),
                    new VisitCancelled(REFERRAL_ID, PATIENT.patientId(), APPOINTMENT_ID, 2, APPOINTMENT_CANCEL_REASON,
                            APPOINTMENT_CANCELLED));
            case INTERIM_NOTE_SENT -> List.of(referralSent(), accepted(), visitScheduled(),
                    new InterimNoteSent(REFERRAL_ID, PATIENT.patientId(), INTERIM_NOTE, INTERIM_NOTE_SENT));
            case CANCELLATION_REQUESTED -> List.of(referralSent(), accepted(),
                    new CancellationRequested(REFERRAL_ID, PATIENT.patientId(), CANCELLATION_REASON,
                            CANCELLATION_REQUESTED));
            case CANCELLED -> List.of(referralSent(), accepted(),
                    new CancellationRequested(REFERRAL_ID, PATIENT.patientId(), CANCELLATION_REASON,
                            CANCELLATION_REQUESTED),
                    new CancellationConfirmed(REFERRAL_ID, CANCELLED));
            case COMPLETED -> List.of(referralSent(), accepted(), visitScheduled(), outcomeSent());
            // On hold straight from triage: the answer takes it back to "awaiting triage".
            case INFORMATION_REQUESTED -> List.of(referralSent(), informationRequested());
        };
    }

    static InformationProvided informationProvided(ReferralStatus resumed) {
        return new InformationProvided(REFERRAL_ID, PATIENT.patientId(), ANSWER, resumed);
    }

    /** A {@link Refusal} of this kind whose reason matches. */
    static Matcher<Throwable> refusal(Refusal.Kind kind, Matcher<? super String> reason) {
        return CommandTesting.refusal(kind, reason);
    }

    /** A request refused as invalid (HTTP 400) naming {@code field}. */
    static Matcher<Throwable> invalidField(String field, Matcher<? super String> reason) {
        return CommandTesting.invalidField(field, reason);
    }
}
