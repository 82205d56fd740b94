package dev.careloop.command.referral;

import dev.careloop.api.Actor;
import dev.careloop.api.referral.AcceptReferral;
import dev.careloop.api.referral.AcknowledgeOutcome;
import dev.careloop.api.referral.VisitCancelled;
import dev.careloop.api.referral.CancelVisit;
import dev.careloop.api.referral.CancellationConfirmed;
import dev.careloop.api.referral.CancellationRequested;
import dev.careloop.api.referral.ConfirmCancellation;
import dev.careloop.api.referral.DeclineReferral;
import dev.careloop.api.referral.ForwardReferral;
import dev.careloop.api.referral.InformationRequested;
import dev.careloop.api.referral.InterimNoteSent;
import dev.careloop.api.referral.NoShowRecorded;
import dev.careloop.api.referral.OutcomeAcknowledged;
import dev.careloop.api.referral.OutcomeSent;
import dev.careloop.api.referral.ProvideInformation;
import dev.careloop.api.referral.RecordNoShow;
import dev.careloop.api.referral.ReferBack;
import dev.careloop.api.referral.ReferralAccepted;
import dev.careloop.api.referral.ReferralDeclined;
import dev.careloop.api.referral.ReferralForwarded;
import dev.careloop.api.referral.ReferralSent;
import dev.careloop.api.referral.ReferralStatus;
import dev.careloop.api.referral.ReferredBack;
import dev.careloop.api.referral.RequestCancellation;
import dev.careloop.api.referral.RequestInformation;
import dev.careloop.api.referral.RescheduleVisit;
import dev.careloop.api.referral.ScheduleVisit;
import dev.careloop.api.referral.SendInterimNote;
import dev.careloop.api.referral.SendOutcome;
import dev.careloop.api.referral.VisitRescheduled;
import dev.careloop.api.referral.VisitScheduled;
import dev.careloop.api.referral.FollowAppointment;
import dev.careloop.api.referral.FollowAppointment.Change;

import java.util.Arrays;
import java.util.List;

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
import static dev.careloop.command.referral.ReferralTestData.*;

/**
 * Every step a user can take on an existing referral (the {@code POST /api/referrals/{id}/{action}} routes of
 * docs/API.md), with who may take it as the state machine table there states it, a state it is certainly allowed
 * from, the command a user sends and the events the log should then hold. Written by hand from the documented
 * table; nothing here reads the production transition table.
 */
enum Action {
    ACCEPT("accept", Side.RECIPIENT, Who.STAFF, CREATED, ACCEPTED) {
        @Override
        Object command() {
            return new AcceptReferral(REFERRAL_ID);
        }

        @Override
        List<Object> events(ReferralStatus to) {
            return List.of(new ReferralAccepted(REFERRAL_ID, to));
        }
    },
    DECLINE("decline", Side.RECIPIENT, Who.STAFF, CREATED, DECLINED) {
        @Override
        Object command() {
            return new DeclineReferral(REFERRAL_ID, DECLINE_REASON);
        }

        @Override
        List<Object> events(ReferralStatus to) {
            return List.of(new ReferralDeclined(REFERRAL_ID, PATIENT.patientId(), DECLINE_REASON, to));
        }
    },
    FORWARD("forward", Side.RECIPIENT, Who.STAFF, CREATED, CREATED) {
        @Override
        Object command() {
            return new ForwardReferral(REFERRAL_ID, HILLSIDE, FORWARD_REASON);
        }

        @Override
        List<Object> events(ReferralStatus to) {
            return List.of(new ReferralForwarded(REFERRAL_ID, PATIENT.patientId(), RIVERSIDE, HILLSIDE,
                    FORWARD_REASON, to));
        }
    },
    REQUEST_INFORMATION("request-information", Side.RECIPIENT, Who.STAFF, ACCEPTED, INFORMATION_REQUESTED) {
        @Override
        Object command() {
            return new RequestInformation(REFERRAL_ID, QUESTION);
        }

        @Override
        List<Object> events(ReferralStatus to) {
            return List.of(new InformationRequested(REFERRAL_ID, PATIENT.patientId(), QUESTION, to));
        }
    },
    PROVIDE_INFORMATION("provide-information", Side.INITIATOR, Who.STAFF, INFORMATION_REQUESTED, CREATED) {
        @Override
        Object command() {
            return new ProvideInformation(REFERRAL_ID, ANSWER);
        }

        @Override
        List<Object> events(ReferralStatus to) {
            return List.of(informationProvided(to));
        }
    },
    SCHEDULE("schedule", Side.RECIPIENT, Who.STAFF, ACCEPTED, SCHEDULED) {
        @Override
        Object command() {
            return new ScheduleVisit(REFERRAL_ID, NEXT_APPOINTMENT_ID, APPOINTMENT);
        }

        @Override
        FollowAppointment follow() {
            return new FollowAppointment(REFERRAL_ID, NEXT_APPOINTMENT_ID, 1, Change.BOOKED, APPOINTMENT, null);
        }

        @Override
        List<Object> events(ReferralStatus to) {
            return List.of(new VisitScheduled(REFERRAL_ID, NEXT_APPOINTMENT_ID, 1, APPOINTMENT, to));
        }
    },
    RESCHEDULE("reschedule", Side.RECIPIENT, Who.STAFF, SCHEDULED, SCHEDULED) {
        @Override
        Object command() {
            return new RescheduleVisit(REFERRAL_ID, MOVED_APPOINTMENT, RESCHEDULE_REASON);
        }

        @Override
        FollowAppointment follow() {
            return new FollowAppointment(REFERRAL_ID, APPOINTMENT_ID, 3, Change.RESCHEDULED, MOVED_APPOINTMENT,
                    RESCHEDULE_REASON);
        }

        @Override
        List<Object> events(ReferralStatus to) {
            return List.of(new VisitRescheduled(REFERRAL_ID, PATIENT.patientId(), APPOINTMENT_ID, 3,
                    MOVED_APPOINTMENT, RESCHEDULE_REASON, to));
        }
    },
    RECORD_NO_SHOW("no-show", Side.RECIPIENT, Who.STAFF, SCHEDULED, NO_SHOW) {
        @Override
        Object command() {
            return new RecordNoShow(REFERRAL_ID);
        }

        @Override
        FollowAppointment follow() {
            return new FollowAppointment(REFERRAL_ID, APPOINTMENT_ID, 3, Change.NO_SHOW, null, null);
        }

        @Override
        List<Object> events(ReferralStatus to) {
            return List.of(new NoShowRecorded(REFERRAL_ID, APPOINTMENT_ID, 3, to));
        }
    },
    CANCEL_APPOINTMENT("cancel-appointment", Side.RECIPIENT, Who.STAFF, SCHEDULED, APPOINTMENT_CANCELLED) {
        @Override
        Object command() {
            return new CancelVisit(REFERRAL_ID, APPOINTMENT_CANCEL_REASON);
        }

        @Override
        FollowAppointment follow() {
            return new FollowAppointment(REFERRAL_ID, APPOINTMENT_ID, 3, Change.CANCELLED, null,
                    APPOINTMENT_CANCEL_REASON);
        }

        @Override
        List<Object> events(ReferralStatus to) {
            return List.of(new VisitCancelled(REFERRAL_ID, PATIENT.patientId(), APPOINTMENT_ID, 3,
                    APPOINTMENT_CANCEL_REASON, to));
        }
    },
    SEND_INTERIM_NOTE("interim-note", Side.RECIPIENT, Who.CLINICIANS, SCHEDULED, INTERIM_NOTE_SENT) {
        @Override
        Object command() {
            return new SendInterimNote(REFERRAL_ID, INTERIM_NOTE);
        }

        @Override
        List<Object> events(ReferralStatus to) {
            return List.of(new InterimNoteSent(REFERRAL_ID, PATIENT.patientId(), INTERIM_NOTE, to));
        }
    },
    REQUEST_CANCELLATION("request-cancellation", Side.INITIATOR, Who.STAFF, ACCEPTED, CANCELLATION_REQUESTED) {
        @Override
        Object command() {
            return new RequestCancellation(REFERRAL_ID, CANCELLATION_REASON);
        }

        @Override
        List<Object> events(ReferralStatus to) {
            return List.of(new CancellationRequested(REFERRAL_ID, PATIENT.patientId(), CANCELLATION_REASON, to));
        }
    },
    CONFIRM_CANCELLATION("confirm-cancellation", Side.RECIPIENT, Who.STAFF, CANCELLATION_REQUESTED, CANCELLED) {
        @Override
        Object command() {
            return new ConfirmCancellation(REFERRAL_ID);
        }

        @Override
        List<Object> events(ReferralStatus to) {
            return List.of(new CancellationConfirmed(REFERRAL_ID, to));
        }
    },
    SEND_OUTCOME("outcome", Side.RECIPIENT, Who.CLINICIANS, SCHEDULED, COMPLETED) {
        @Override
        Object command() {
            return new SendOutcome(REFERRAL_ID, REPORT);
        }

        @Override
        List<Object> events(ReferralStatus to) {
            return List.of(new OutcomeSent(REFERRAL_ID, PATIENT.patientId(), REPORT, to));
        }
    },
    ACKNOWLEDGE_OUTCOME("acknowledge-outcome", Side.INITIATOR, Who.STAFF, COMPLETED, COMPLETED) {
        @Override
        Object command() {
            return new AcknowledgeOutcome(REFERRAL_ID);
        }

        @Override
        List<Object> events(ReferralStatus to) {
            return List.of(new OutcomeAcknowledged(REFERRAL_ID, to));
        }
    },
    REFER_BACK("refer-back", Side.RECIPIENT, Who.CLINICIANS, COMPLETED, COMPLETED) {
        @Override
        Object command() {
            return new ReferBack(REFERRAL_ID, NEW_REFERRAL_ID, BACK_REFERRAL_NUMBER, BACK_PRIORITY, BACK_SERVICE,
                    BACK_REASON, BACK_NOTE, BACK_SLA_DUE);
        }

        /** The original records the refer-back; the new referral, Riverside to Northside, is sent. */
        @Override
        List<Object> events(ReferralStatus to) {
            return List.of(new ReferredBack(REFERRAL_ID, NEW_REFERRAL_ID, to), referredBackFromRiverside());
        }
    };

    /** Which organisation of the referral may take the step. */
    enum Side { INITIATOR, RECIPIENT }

    /** Which roles may take it: clinic staff (clinicians or coordinators) or clinicians only. */
    enum Who { STAFF, CLINICIANS }

    final String path;
    final Side side;
    final Who who;
    /** A state the step is certainly allowed from (see {@link ReferralTestData#history}). */
    final ReferralStatus allowedFrom;
    /** Where the step takes a referral that was in {@link #allowedFrom}. */
    final ReferralStatus leadsTo;

    Action(String path, Side side, Who who, ReferralStatus allowedFrom, ReferralStatus leadsTo) {
        this.path = path;
        this.side = side;
        this.who = who;
        this.allowedFrom = allowedFrom;
        this.leadsTo = leadsTo;
    }

    abstract Object command();

    /**
     * For a visit action, which the appointment carries out: the command that makes the referral follow the
     * appointment's change, sent in the client's command's own transaction (and again, finding it followed, by the
     * process manager); {@link #events} are what the follow writes.
     */
    FollowAppointment follow() {
        return null;
    }

    /**
     * The events the client's command writes to the referral: a visit action's are the follow's, written in the
     * same transaction (the appointment side being VisitBooking's stand-in).
     */
    List<Object> written(ReferralStatus to) {
        return events(to);
    }

    /** The events the log should hold after the step took the referral to {@code to}. */
    abstract List<Object> events(ReferralStatus to);

    /** A member of the right organisation with every clinic role. */
    Actor rightParty() {
        return side == Side.INITIATOR ? NORTHSIDE_STAFF : RIVERSIDE_STAFF;
    }

    /** A member of the other organisation of the referral with every clinic role. */
    Actor otherParty() {
        return side == Side.INITIATOR ? RIVERSIDE_STAFF : NORTHSIDE_STAFF;
    }

    Actor coordinatorOfRightParty() {
        return side == Side.INITIATOR ? NORTHSIDE_COORDINATOR : RIVERSIDE_COORDINATOR;
    }

    Actor complianceOfficerOfRightParty() {
        return side == Side.INITIATOR ? NORTHSIDE_COMPLIANCE : RIVERSIDE_COMPLIANCE;
    }

    Actor adminOfRightParty() {
        return side == Side.INITIATOR ? NORTHSIDE_ADMIN : RIVERSIDE_ADMIN;
    }

    static Action byPath(String path) {
        return Arrays.stream(values()).filter(a -> a.path.equals(path)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no action " + path));
    }

    /** The new referral a refer-back from Riverside opens: the organisations swap, the patient stays. */
    static ReferralSent referredBackFromRiverside() {
        return new ReferralSent(NEW_REFERRAL_ID, BACK_REFERRAL_NUMBER, RIVERSIDE_IDENTIFIER_SYSTEM, RIVERSIDE,
                NORTHSIDE, PATIENT, BACK_PRIORITY, BACK_SERVICE, BACK_REASON, BACK_NOTE, BACK_SLA_DUE, REFERRAL_ID,
                CREATED);
    }

    @Override
    public String toString() {
        return path;
    }
}
