package dev.careloop.fhir.mapping;

import dev.careloop.api.privacy.PatientRekeyed;
import dev.careloop.api.referral.ReferralAssigned;
import dev.careloop.api.referral.ReferralStatus;
import dev.careloop.api.referral.ReferralUnassigned;
import dev.careloop.fhir.TestEvents.History;

import java.util.List;
import java.util.Set;

import static dev.careloop.fhir.TestEvents.*;

/** Realistic histories that, together, end in every kind of event at least once. */
final class Histories {

    static final String GP_USER = "dr.north";
    static final String DERM_USER = "dr.river";
    static final String CARDIO_USER = "dr.lake";

    private Histories() {
    }

    /** A referral that goes almost everywhere: forwarded, questioned, scheduled, missed, closed and referred back. */
    static History longReferral() {
        return referral(REFERRAL)
                .by(GP_USER, GP).then(referralSent(REFERRAL, GP, DERM, null))                        // 1
                .byCareLoop().then(slaMissed(REFERRAL, ReferralStatus.CREATED))                      // 2
                .by(DERM_USER, DERM).then(forwarded(REFERRAL, DERM, CARDIO))                          // 3
                .by(CARDIO_USER, CARDIO).then(accepted(REFERRAL))                                     // 4
                .then(informationRequested(REFERRAL))                                                 // 5
                .by(GP_USER, GP).then(informationProvided(REFERRAL, ReferralStatus.ACCEPTED))         // 6
                .then(recordAttached(REFERRAL, RECORD, ReferralStatus.ACCEPTED))                      // 7
                .by(CARDIO_USER, CARDIO).then(visitScheduled(REFERRAL, 2))                            // 8
                .then(visitRescheduled(REFERRAL, 3))                                                  // 9
                .then(noShowRecorded(REFERRAL, 4))                                                    // 10
                .then(visitCancelled(REFERRAL, 5))                                                    // 11
                .then(interimNoteSent(REFERRAL, List.of(RECORD)))                                     // 12
                .by(GP_USER, GP).then(cancellationRequested(REFERRAL))                                // 13
                .by(CARDIO_USER, CARDIO).then(outcomeSent(REFERRAL, List.of(RECORD)))                 // 14
                .by(GP_USER, GP).then(outcomeAcknowledged(REFERRAL))                                  // 15
                .by(CARDIO_USER, CARDIO).then(referredBack(REFERRAL, "r-2"));                         // 16
    }

    static History referBack() {
        return referral("r-2").by(CARDIO_USER, CARDIO).then(referralSent("r-2", CARDIO, GP, REFERRAL));
    }

    static History declinedReferral() {
        return referral("r-3").by(GP_USER, GP).then(referralSent("r-3", GP, DERM, null))
                .by(DERM_USER, DERM).then(accepted("r-3")).then(declined("r-3"));
    }

    /** Assigned at the recipient, handed to another clinician, taken back, assigned again, then declined. */
    static History assignedReferral() {
        return referral("r-5").by(GP_USER, GP).then(referralSent("r-5", GP, DERM, null))
                .by(DERM_USER, DERM)
                .then(new ReferralAssigned("r-5", "dr.shah", "Dr Priya Shah", ReferralStatus.CREATED))
                .then(new ReferralAssigned("r-5", "dr.okafor", "Dr Tom Okafor", ReferralStatus.CREATED))
                .then(new ReferralUnassigned("r-5", "dr.okafor", "Dr Tom Okafor", ReferralStatus.CREATED))
                .then(new ReferralAssigned("r-5", "dr.shah", "Dr Priya Shah", ReferralStatus.CREATED))
                .then(declined("r-5"));
    }

    static History cancelledReferral() {
        return referral("r-4").by(GP_USER, GP).then(referralSent("r-4", GP, DERM, null))
                .then(cancellationRequested("r-4"))
                .by(DERM_USER, DERM).then(cancellationConfirmed("r-4"));
    }

    /**
     * Shared with two clinics, read, amended, read again, one revoked, read by it in an emergency (reviewed), then
     * the period ends.
     */
    static History longRecord() {
        return record(RECORD)
                .by(GP_USER, GP).then(recordShared(RECORD, REFERRAL, GP, Set.of(DERM, CARDIO)))       // 1
                .by(DERM_USER, DERM).then(disclosed(RECORD, DERM, 1, SHA_1))                          // 2
                .by(GP_USER, GP).then(recordAmended(RECORD, 2))                                       // 3
                .by(CARDIO_USER, CARDIO).then(disclosed(RECORD, CARDIO, 1, SHA_1))                    // 4
                .by(GP_USER, GP).then(accessRevoked(RECORD, CARDIO))                                  // 5
                .by(DERM_USER, DERM).then(disclosed(RECORD, DERM, 2, SHA_2))                          // 6
                .by(CARDIO_USER, CARDIO).then(emergencyAccess(RECORD, CARDIO, 2))                     // 7
                .by(CARDIO_USER, CARDIO).then(disclosed(RECORD, CARDIO, 2, SHA_2))                    // 8
                .by(GP_USER, GP).then(emergencyAccessReviewed(RECORD))                                // 9
                .byCareLoop().then(accessExpired(RECORD));                                            // 10
    }

    /** Shared with the referral's recipient, which forwards the referral: the record goes with it. */
    static History forwardedRecord() {
        return record("rec-2")
                .by(GP_USER, GP).then(recordShared("rec-2", REFERRAL, GP, Set.of(DERM)))              // 1
                .by(DERM_USER, DERM).then(accessEndedByForward("rec-2", DERM, CARDIO))                 // 2
                .by(DERM_USER, DERM).then(accessGrantedByForward("rec-2", DERM, CARDIO))               // 3
                .by(CARDIO_USER, CARDIO).then(disclosed("rec-2", CARDIO, 1, SHA_1));                  // 4
    }

    /** Offered, booked, moved, reminded, handed to cardiology, attended. */
    static History longAppointment() {
        return appointment(APPOINTMENT)
                .by(DERM_USER, DERM).then(appointmentProposed(APPOINTMENT, REFERRAL, DERM, Set.of(GP)))  // 1
                .then(appointmentBooked(APPOINTMENT, REFERRAL, DERM, Set.of(GP)))                        // 2
                .then(appointmentRescheduled(APPOINTMENT, REFERRAL))                                     // 3
                .byCareLoop().then(reminderDue(APPOINTMENT, REFERRAL))                                   // 4
                .by(DERM_USER, DERM).then(handedOff(APPOINTMENT, REFERRAL, DERM, CARDIO))                // 5
                .by(CARDIO_USER, CARDIO).then(arrived(APPOINTMENT, REFERRAL))                            // 6
                .then(fulfilled(APPOINTMENT, REFERRAL));                                                 // 7
    }

    static History cancelledAppointment() {
        return appointment("appt-2").by(DERM_USER, DERM)
                .then(appointmentProposed("appt-2", REFERRAL, DERM, Set.of(GP)))
                .then(appointmentCancelled("appt-2", REFERRAL));
    }

    /** A transition of care without a referral, and the patient did not come. */
    static History missedAppointment() {
        return appointment("appt-3").by(DERM_USER, DERM)
                .then(appointmentBooked("appt-3", null, DERM, Set.of(CARDIO)))
                .then(didNotAttend("appt-3", null));
    }

    /** The keyed id the patient of {@link #rekeyedReferral} takes. */
    static final String KEYED = "5b7f3c1e-9a2d-8e4f-b6c5-0d1e2f3a4b5c";

    /** Sent while the patient was named by the old id, re-keyed by the migration, then accepted. */
    static History rekeyedReferral() {
        return referral("r-6").by(GP_USER, GP).then(referralSent("r-6", GP, DERM, null))
                .byCareLoop().then(new PatientRekeyed("r-6", alex().patientId(), KEYED))
                .by(DERM_USER, DERM).then(accepted("r-6"));
    }

    static List<History> all() {
        return List.of(longReferral(), referBack(), declinedReferral(), assignedReferral(), cancelledReferral(),
                rekeyedReferral(),
                longRecord(), forwardedRecord(),
                longAppointment(), cancelledAppointment(), missedAppointment());
    }
}
