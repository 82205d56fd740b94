package dev.careloop.query.analytics;

import dev.careloop.api.Patient;
import dev.careloop.api.appointment.AppointmentBooked;
import dev.careloop.api.appointment.AppointmentFulfilled;
import dev.careloop.api.appointment.AppointmentProposed;
import dev.careloop.api.appointment.Slot;
import dev.careloop.api.appointment.AppointmentStatus;
import dev.careloop.api.appointment.PatientArrived;
import dev.careloop.api.referral.*;
import dev.careloop.query.CsvCells;
import dev.careloop.query.ReadModelDatabase;
import org.axonframework.eventhandling.DomainEventMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.careloop.query.analytics.AnalyticsLog.*;
import static org.assertj.core.api.Assertions.assertThat;

/** What the analytics group makes of scripted referral histories, against hand-computed figures, on PostgreSQL. */
class AnalyticsProjectionTest {

    private static final YearMonth DEC = YearMonth.of(2026, 12);
    private static final Appointment VISIT = new Appointment(Instant.parse("2026-12-20T09:00:00Z"),
            Instant.parse("2026-12-20T09:30:00Z"), "Room 4");

    private final ReadModelDatabase.Projections projections =
            new ReadModelDatabase.Projections(new AnalyticsProjection(ReadModelDatabase.stores()));
    private final PartnershipReadModel partnerships = new PartnershipReadModel(ReadModelDatabase.jdbc());
    private final AnalyticsLog log = new AnalyticsLog();

    @BeforeEach
    void startEmpty() {
        AnalyticsLog.emptyTables();
    }

    @Test
    void triageTurnaroundMedianAndNinetiethPercentileFollowTheHandComputedRanks() {
        long[] hours = {2, 5, 10, 30, 100};
        for (int i = 0; i < hours.length; i++) {
            String id = "t" + i;
            Instant sent = Instant.parse("2026-12-01T08:00:00Z");
            projections.deliver(log.at(sent.toString(), sent(id, GP, DERM)),
                    log.at(sent.plusSeconds(hours[i] * 3600).toString(),
                            new ReferralAccepted(id, ReferralStatus.ACCEPTED)));
        }

        Measures out = partnerships.overview(GP, DEC, DEC, 30).partnerships().get(0).outgoing();

        assertThat(out.referrals()).isEqualTo(5);
        assertThat(out.accepted()).isEqualTo(5);
        // Sorted 2, 5, 10, 30, 100 h; the median is rank 3 (10 h), the 90th percentile rank 5 (100 h = 4 whole days).
        assertThat(out.turnarounds().get("sentToAccepted"))
                .isEqualTo(new Measures.Turnaround(5, 10L, 96L));
        assertThat(out.turnarounds().get("sentToOutcome")).isEqualTo(new Measures.Turnaround(0, null, null));
    }

    @Test
    void reciprocityBalanceAndLoopClosureWithinTheTargetAreCountedEachWay() {
        // GP -> DERM: r1 closed in 12 days, r2 closed in 40 days, r3 declined; DERM -> GP: r4 open.
        projections.deliver(
                log.at("2026-12-01T08:00:00Z", sent("r1", GP, DERM)),
                log.at("2026-12-02T08:00:00Z", sent("r2", GP, DERM)),
                log.at("2026-12-03T08:00:00Z", sent("r3", GP, DERM)),
                log.at("2026-12-04T08:00:00Z", sent("r4", DERM, GP)),
                log.at("2026-12-03T08:00:00Z", new ReferralDeclined("r3", "p", "Not our service",
                        ReferralStatus.DECLINED)),
                log.at("2026-12-11T08:00:00Z", new OutcomeSent("r1", "p", "Benign naevus", ReferralStatus.COMPLETED)),
                log.at("2026-12-13T08:00:00Z", new OutcomeAcknowledged("r1", ReferralStatus.COMPLETED)),
                log.at("2027-01-10T08:00:00Z", new OutcomeSent("r2", "p", "Excised", ReferralStatus.COMPLETED)),
                log.at("2027-01-11T08:00:00Z", new OutcomeAcknowledged("r2", ReferralStatus.COMPLETED)));

        PartnershipReadModel.Partnership derm = partnerships.overview(GP, DEC, DEC, 30).partnerships().get(0);

        assertThat(derm.partner()).isEqualTo(DERM);
        assertThat(derm.sent()).isEqualTo(3);
        assertThat(derm.received()).isEqualTo(1);
        assertThat(derm.balance()).isEqualTo(2);
        assertThat(derm.reciprocity()).isEqualTo(0.3333);
        // Outgoing: 2 loops expected (r3 declined), 1 closed under 30 days.
        assertThat(derm.outgoing().loopsClosed()).isEqualTo(1);
        assertThat(derm.outgoing().loopClosureRate()).isEqualTo(0.5);
        assertThat(derm.outgoing().declined()).isEqualTo(1);
        // Both ways: 1 closed of 3 expected (r1, r2, r4).
        assertThat(derm.loopClosureRate()).isEqualTo(0.3333);
        // With a 45-day target r2 (40 days) closes too.
        assertThat(partnerships.overview(GP, DEC, DEC, 45).partnerships().get(0).outgoing().loopClosureRate())
                .isEqualTo(1.0);
        // Outcome to acknowledged: 2 days (r1) and 1 day (r2): median rank 1 = 24 h, p90 rank 2 = 48 h.
        assertThat(derm.outgoing().turnarounds().get("outcomeToAcknowledged"))
                .isEqualTo(new Measures.Turnaround(2, 24L, 48L));
        // DERM sees the same partnership the other way round.
        PartnershipReadModel.Partnership gp = partnerships.overview(DERM, DEC, DEC, 30).partnerships().get(0);
        assertThat(gp.partner()).isEqualTo(GP);
        assertThat(gp.sent()).isEqualTo(1);
        assertThat(gp.received()).isEqualTo(3);
        assertThat(gp.balance()).isEqualTo(-2);
    }

    @Test
    void aForwardedReferralCountsForTheOrganisationNowReceivingIt() {
        projections.deliver(log.at("2026-12-01T08:00:00Z", sent("f1", GP, DERM)),
                log.at("2026-12-01T10:00:00Z", new ReferralForwarded("f1", "p", DERM, CARDIO, "Cardiac cause",
                        ReferralStatus.CREATED)),
                log.at("2026-12-01T14:00:00Z", new ReferralAccepted("f1", ReferralStatus.ACCEPTED)));

        assertThat(monthCount(GP, DERM, "referrals")).isZero();
        assertThat(monthCount(GP, CARDIO, "referrals")).isEqualTo(1);
        assertThat(monthCount(GP, CARDIO, "forwarded")).isEqualTo(1);
        assertThat(partnerships.overview(GP, DEC, DEC, 30).partnerships())
                .extracting(PartnershipReadModel.Partnership::partner).containsExactly(CARDIO);
        assertThat(partnerships.overview(GP, DEC, DEC, 30).partnerships().get(0).outgoing().turnarounds()
                .get("sentToAccepted").medianHours()).isEqualTo(6);
    }

    @Test
    void timeOnHoldIsSummedApartAndTheSlaIsMetByATriageBeforeItsDueTime() {
        projections.deliver(
                log.at("2026-12-01T08:00:00Z", sent("h1", GP, DERM, Priority.URGENT, "2026-12-04T08:00:00Z")),
                log.at("2026-12-01T09:00:00Z", new InformationRequested("h1", "p", "Which side?",
                        ReferralStatus.INFORMATION_REQUESTED)),
                log.at("2026-12-02T09:00:00Z", new InformationProvided("h1", "p", "Left", ReferralStatus.CREATED)),
                log.at("2026-12-03T08:00:00Z", new ReferralAccepted("h1", ReferralStatus.ACCEPTED)),
                log.at("2026-12-01T08:00:00Z", sent("h2", GP, DERM, Priority.URGENT, "2026-12-04T08:00:00Z")),
                log.at("2026-12-04T08:00:01Z", new ReferralSlaMissed("h2", Instant.parse("2026-12-04T08:00:00Z"),
                        ReferralStatus.CREATED)));

        Measures out = partnerships.overview(GP, DEC, DEC, 30).partnerships().get(0).outgoing();

        assertThat(out.held()).isEqualTo(1);
        assertThat(out.holdHours()).isEqualTo(24.0);
        assertThat(out.slaMet()).isEqualTo(1);
        assertThat(out.slaMissed()).isEqualTo(1);
        assertThat(out.slaMetRate()).isEqualTo(0.5);
        // Turnarounds are wall-clock: the 24 h on hold stay in the 48 h triage.
        assertThat(out.turnarounds().get("sentToAccepted").medianHours()).isEqualTo(48);
    }

    @Test
    void bookedSeenNoShowAndReschedulesComeFromTheVisitAndItsAppointment() {
        projections.deliver(log.at("2026-12-01T08:00:00Z", sent("v1", GP, DERM)),
                log.at("2026-12-01T12:00:00Z", new ReferralAccepted("v1", ReferralStatus.ACCEPTED)),
                log.at("2026-12-02T08:00:00Z", new VisitScheduled("v1", "a1", 1, VISIT, ReferralStatus.SCHEDULED)),
                log.at("2026-12-03T08:00:00Z", new VisitRescheduled("v1", "p", "a1", 2, VISIT, "Clinic closed",
                        ReferralStatus.SCHEDULED)),
                log.at("2026-12-10T08:00:00Z", new NoShowRecorded("v1", "a1", 3, ReferralStatus.NO_SHOW)),
                log.at("2026-12-21T08:00:00Z", new PatientArrived("a2", "v1", AppointmentStatus.ARRIVED)),
                log.at("2026-12-21T09:00:00Z", new AppointmentFulfilled("a2", "v1", AppointmentStatus.FULFILLED)));

        Measures out = partnerships.overview(GP, DEC, DEC, 30).partnerships().get(0).outgoing();

        assertThat(out.booked()).isEqualTo(1);
        assertThat(out.reschedules()).isEqualTo(1);
        assertThat(out.noShows()).isEqualTo(1);
        assertThat(out.seen()).isEqualTo(1);
        assertThat(out.turnarounds().get("sentToBooked").medianHours()).isEqualTo(24);
        // Seen when the patient arrived, 20 days after sending (whole days: 480 h).
        assertThat(out.turnarounds().get("sentToSeen")).isEqualTo(new Measures.Turnaround(1, 480L, 480L));
    }

    @Test
    void aReferralCountsInTheUtcMonthItWasSent() {
        projections.deliver(log.at("2026-11-30T23:30:00Z", sent("m1", GP, DERM)),
                log.at("2026-12-01T00:10:00Z", sent("m2", GP, DERM)));

        assertThat(partnerships.overview(GP, YearMonth.of(2026, 11), YearMonth.of(2026, 11), 30).partnerships()
                .get(0).sent()).isEqualTo(1);
        assertThat(partnerships.overview(GP, DEC, DEC, 30).partnerships().get(0).sent()).isEqualTo(1);
        PartnershipReadModel.Detail detail = partnerships.detail(GP, DERM, YearMonth.of(2026, 11), DEC, 30);
        assertThat(detail.months()).extracting(PartnershipReadModel.MonthLine::month)
                .containsExactly("2026-11", "2026-12");
    }

    @Test
    void aRedeliveredEventChangesNothing() {
        DomainEventMessage<Object> sent = log.at("2026-12-01T08:00:00Z", sent("d1", GP, DERM));
        DomainEventMessage<Object> accepted = log.at("2026-12-01T10:00:00Z",
                new ReferralAccepted("d1", ReferralStatus.ACCEPTED));
        DomainEventMessage<Object> arrived = log.at("2026-12-05T10:00:00Z",
                new PatientArrived("a1", "d1", AppointmentStatus.ARRIVED));
        projections.deliver(sent, accepted, arrived);
        List<Map<String, Object>> before = tables();

        projections.deliver(sent, accepted, arrived);

        assertThat(tables()).isEqualTo(before);
        assertThat(monthCount(GP, DERM, "referrals")).isEqualTo(1);
    }

    @Test
    void theAnalyticsTablesHoldNoClinicalTextAndNothingThatNamesThePatient() {
        projections.deliver(log.at("2026-12-01T08:00:00Z", sent("c1", GP, DERM)),
                log.at("2026-12-01T09:00:00Z", new ReferralDeclined("c1", "patient-1", "Refer to oncology instead",
                        ReferralStatus.DECLINED)));

        String all = tables().toString();
        assertThat(all).contains("c1").doesNotContain(REASON).doesNotContain("Seen twice already")
                .doesNotContain("oncology").doesNotContain("Ada").doesNotContain("MRN-").doesNotContain("patient-1");
    }

    @Test
    void openLoopsAreThoseOlderThanTheTargetStillOpenWithWhereTheyWait() {
        projections.deliver(log.at("2026-10-01T08:00:00Z", sent("o1", GP, DERM)),
                log.at("2026-10-02T08:00:00Z", new ReferralAccepted("o1", ReferralStatus.ACCEPTED)),
                log.at("2026-10-05T08:00:00Z", sent("o2", DERM, GP)),
                log.at("2026-10-06T08:00:00Z", new OutcomeSent("o2", "p", "Done", ReferralStatus.COMPLETED)),
                log.at("2026-10-06T08:00:00Z", sent("o3", GP, DERM)),
                log.at("2026-10-07T08:00:00Z", new ReferralDeclined("o3", "p", "No", ReferralStatus.DECLINED)),
                log.at("2026-11-25T08:00:00Z", sent("o4", GP, DERM)));

        PartnershipReadModel.OpenLoops loops = partnerships.openLoops(GP, DERM, 30,
                Instant.parse("2026-12-01T08:00:00Z"), 0, 20);

        assertThat(loops.total()).isEqualTo(2);
        assertThat(loops.items()).extracting(PartnershipReadModel.OpenLoop::referralId).containsExactly("o1", "o2");
        assertThat(loops.items().get(0).stage()).isEqualTo("accepted, awaiting booking");
        assertThat(loops.items().get(0).direction()).isEqualTo("outgoing");
        assertThat(loops.items().get(0).ageDays()).isEqualTo(61);
        assertThat(loops.items().get(0).referral()).isEqualTo("/api/referrals/o1");
        assertThat(loops.items().get(1).stage()).isEqualTo("outcome sent, awaiting acknowledgement");
        assertThat(loops.items().get(1).direction()).isEqualTo("incoming");
        assertThat(partnerships.openLoops(GP, CARDIO, 30, Instant.parse("2026-12-01T08:00:00Z"), 0, 20)).isNull();
        assertThat(partnerships.openLoops(GP, GP, 30, Instant.parse("2026-12-01T08:00:00Z"), 0, 20)).isNull();
    }

    @Test
    void theCsvHasOneQuotedLinePerMonthRowWithFormulasDefused() {
        projections.deliver(log.at("2026-12-01T08:00:00Z", sent("s1", GP, DERM)));

        String csv = PartnershipCsv.of(partnerships.rows(GP, DERM, DEC, DEC), 30);

        assertThat(csv.split("\r\n")).hasSize(2);
        assertThat(csv.split("\r\n")[1]).startsWith("2026-12,outgoing,\"riverside-derm\",\"" + SERVICE
                + "\",\"routine\",1,0,");
        assertThat(CsvCells.field("=HYPERLINK(\"x\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"");
    }

    @Test
    void declinesAndForwardsAreCountedByReasonCategoryWhereTheReferralNowIs() {
        projections.deliver(log.at("2026-12-01T08:00:00Z", sent("c1", GP, DERM)),
                log.at("2026-12-01T09:00:00Z", new ReferralDeclined("c1", "p", "Full until March",
                        ReferralStatus.DECLINED, "capacity")),
                log.at("2026-12-01T08:00:00Z", sent("c2", GP, DERM)),
                log.at("2026-12-01T09:00:00Z", new ReferralDeclined("c2", "p", "No", ReferralStatus.DECLINED)),
                log.at("2026-12-01T08:00:00Z", sent("c3", GP, DERM)),
                log.at("2026-12-01T10:00:00Z", new ReferralForwarded("c3", "p", DERM, CARDIO, "Cardiac",
                        ReferralStatus.CREATED, "not-our-service")),
                log.at("2026-12-02T10:00:00Z", new ReferralDeclined("c3", "p", "Full", ReferralStatus.DECLINED,
                        "capacity")),
                log.at("2026-12-01T08:00:00Z", sent("c4", GP, DERM)),
                log.at("2026-12-03T09:00:00Z", new ReferralDeclined("c4", "p", "Full", ReferralStatus.DECLINED,
                        "capacity")));

        PartnershipReadModel.Overview overview = partnerships.overview(GP, DEC, DEC, 30);
        Measures derm = partnership(overview, DERM).outgoing();
        Measures cardio = partnership(overview, CARDIO).outgoing();

        assertThat(derm.declined()).isEqualTo(3);
        assertThat(derm.declinedByCategory()).containsExactly(Map.entry("capacity", 2), Map.entry("unspecified", 1));
        assertThat(derm.forwardedByCategory()).isEmpty();
        // c3 counts where it is now: forwarded to CARDIO (not our service), declined there (capacity).
        assertThat(cardio.declinedByCategory()).containsExactly(Map.entry("capacity", 1));
        assertThat(cardio.forwardedByCategory()).containsExactly(Map.entry("not-our-service", 1));
    }

    @Test
    void visitCancellationsAreCountedByTheOrganisationThatAsked() {
        projections.deliver(log.at("2026-12-01T08:00:00Z", sent("x1", GP, DERM)),
                log.at("2026-12-01T09:00:00Z", new ReferralAccepted("x1", ReferralStatus.ACCEPTED)),
                log.by(DERM, "2026-12-02T09:00:00Z", new VisitCancelled("x1", "p", "a1", 2, "Clinic closed",
                        ReferralStatus.APPOINTMENT_CANCELLED)),
                log.by(GP, "2026-12-03T09:00:00Z", new VisitCancelled("x1", "p", "a2", 2, "Patient away",
                        ReferralStatus.APPOINTMENT_CANCELLED)),
                log.by(DERM, "2026-12-04T09:00:00Z", new VisitCancelled("x1", "p", "a3", 2, "Ill",
                        ReferralStatus.APPOINTMENT_CANCELLED)),
                log.by("careloop", "2026-12-05T09:00:00Z", new VisitCancelled("x1", "p", "a4", 2, "Handed off",
                        ReferralStatus.APPOINTMENT_CANCELLED)));

        Measures out = partnerships.overview(GP, DEC, DEC, 30).partnerships().get(0).outgoing();

        assertThat(out.visitsCancelled()).isEqualTo(4);
        assertThat(out.visitsCancelledBySender()).isEqualTo(1);
        assertThat(out.visitsCancelledByRecipient()).isEqualTo(2);
    }

    @Test
    void aDeclinedOrCancelledReferralLeaksUnlessReSentForThePatientAndServiceWithinThirtyDays() {
        projections.deliver(
                // l1 declined, re-sent to CARDIO 8 days later: not leaked.
                log.at("2026-12-01T08:00:00Z", sentFor("l1", GP, DERM, "MRN-A", SERVICE)),
                log.at("2026-12-02T08:00:00Z", new ReferralDeclined("l1", "p", "No", ReferralStatus.DECLINED)),
                log.at("2026-12-10T08:00:00Z", sentFor("l2", GP, CARDIO, "MRN-A", SERVICE)),
                // l3 cancelled, never re-sent: leaked.
                log.at("2026-12-03T08:00:00Z", sentFor("l3", GP, DERM, "MRN-B", SERVICE)),
                log.at("2026-12-05T08:00:00Z", new CancellationConfirmed("l3", ReferralStatus.CANCELLED)),
                // l4 declined, re-sent 46 days later: too late, leaked.
                log.at("2026-12-04T08:00:00Z", sentFor("l4", GP, DERM, "MRN-C", SERVICE)),
                log.at("2026-12-05T08:00:00Z", new ReferralDeclined("l4", "p", "No", ReferralStatus.DECLINED)),
                log.at("2027-01-20T08:00:00Z", sentFor("l5", GP, DERM, "MRN-C", SERVICE)),
                // l6 declined; the patient's next referral is for another service: leaked.
                log.at("2026-12-06T08:00:00Z", sentFor("l6", GP, DERM, "MRN-D", "Skin surgery")),
                log.at("2026-12-06T09:00:00Z", new ReferralDeclined("l6", "p", "No", ReferralStatus.DECLINED)),
                log.at("2026-12-07T08:00:00Z", sentFor("l7", GP, DERM, "MRN-D", SERVICE)),
                // l8 re-sent elsewhere before its decline came in: not leaked.
                log.at("2026-12-08T08:00:00Z", sentFor("l8", GP, DERM, "MRN-E", SERVICE)),
                log.at("2026-12-09T08:00:00Z", sentFor("l9", GP, CARDIO, "MRN-E", SERVICE)),
                log.at("2026-12-12T08:00:00Z", new ReferralDeclined("l8", "p", "No", ReferralStatus.DECLINED)));

        Measures derm = partnership(partnerships.overview(GP, DEC, DEC, 30), DERM).outgoing();

        // Ended: l1, l3, l4, l6, l8 (4 declined, 1 cancelled); leaked: l3, l4, l6.
        assertThat(derm.declined() + derm.cancelled()).isEqualTo(5);
        assertThat(derm.leaked()).isEqualTo(3);
        assertThat(derm.leakageRate()).isEqualTo(0.6);
        assertThat(derm.leakageDays()).isEqualTo(30);
        assertThat(ReadModelDatabase.jdbc().queryForList("SELECT referral_id FROM analytics_referral"
                + " WHERE resent_at IS NOT NULL ORDER BY 1", String.class)).containsExactly("l1", "l8");
    }

    @Test
    void anErasedPatientsReferralsStillMatchByThePseudonymousIdSoARebuildCountsTheSameLeakage() {
        ReferralSent first = sentFor("z1", GP, DERM, "MRN-Z", SERVICE);
        ReferralSent again = sentFor("z2", GP, CARDIO, "MRN-Z", SERVICE);
        // As a rebuild after the erasure reads them: the identity gone, the platform's pseudonymous id kept.
        ReferralSent erasedAgain = new ReferralSent("z2", again.referralNumber(), again.identifierSystem(), GP,
                CARDIO, Patient.erased(again.patientId()), again.priority(), SERVICE, "(erased)", null, null, null,
                ReferralStatus.CREATED);
        projections.deliver(log.at("2026-12-01T08:00:00Z", first),
                log.at("2026-12-02T08:00:00Z", new ReferralDeclined("z1", "p", "No", ReferralStatus.DECLINED)),
                log.at("2026-12-05T08:00:00Z", erasedAgain));

        assertThat(partnership(partnerships.overview(GP, DEC, DEC, 30), DERM).outgoing().leaked()).isZero();
        assertThat(tables().toString()).doesNotContain(first.patientId()).doesNotContain("MRN-Z");
    }

    @Test
    void theEarliestOfferedSlotCountsFromTheReferralSentToTheSoonestStartOffered() {
        Set<String> parties = Set.of(GP, DERM);
        Slot late = new Slot(Instant.parse("2026-12-12T09:00:00Z"), Instant.parse("2026-12-12T09:30:00Z"));
        Slot early = new Slot(Instant.parse("2026-12-05T08:00:00Z"), Instant.parse("2026-12-05T08:30:00Z"));
        projections.deliver(log.at("2026-12-01T08:00:00Z", sent("e1", GP, DERM)),
                log.at("2026-12-02T08:00:00Z", new AppointmentProposed("a1", "e1", null, DERM, parties,
                        List.of(late, early), "Room 4", null, AppointmentStatus.PROPOSED)),
                log.at("2026-12-03T08:00:00Z", new AppointmentBooked("a1", "e1", null, DERM, parties, late,
                        "Room 4", null, AppointmentStatus.BOOKED)),
                log.at("2026-12-01T08:00:00Z", sent("e2", GP, DERM)),
                log.at("2026-12-01T09:00:00Z", new ReferralAccepted("e2", ReferralStatus.ACCEPTED)),
                log.at("2026-12-01T09:30:00Z", new VisitScheduled("e2", "a2", 1,
                        new Appointment(Instant.parse("2026-12-02T10:00:00Z"),
                                Instant.parse("2026-12-02T10:30:00Z"), "Room 1"), ReferralStatus.SCHEDULED)),
                log.at("2026-12-01T08:00:00Z", sent("e3", GP, DERM)));

        Measures out = partnerships.overview(GP, DEC, DEC, 30).partnerships().get(0).outgoing();

        // e1: 4 days (96 h) to the earliest slot offered; e2: 26 h to its booked visit; e3: none offered.
        assertThat(out.turnarounds().get("sentToEarliestSlot")).isEqualTo(new Measures.Turnaround(2, 26L, 96L));
    }

    private static PartnershipReadModel.Partnership partnership(PartnershipReadModel.Overview overview,
                                                               String partner) {
        return overview.partnerships().stream().filter(p -> p.partner().equals(partner)).findFirst().orElseThrow();
    }

    private int monthCount(String sender, String recipient, String column) {
        Integer n = ReadModelDatabase.jdbc().queryForObject("SELECT coalesce(sum(" + column + "), 0)::int"
                + " FROM analytics_month WHERE sender_org = ? AND recipient_org = ?", Integer.class, sender, recipient);
        return n == null ? 0 : n;
    }

    private List<Map<String, Object>> tables() {
        List<Map<String, Object>> rows = new java.util.ArrayList<>(ReadModelDatabase.jdbc().queryForList(
                "SELECT row_to_json(r)::text AS row FROM analytics_referral r ORDER BY referral_id"));
        rows.addAll(ReadModelDatabase.jdbc().queryForList(
                "SELECT row_to_json(m)::text AS row FROM analytics_month m ORDER BY sender_org, recipient_org, month"));
        return rows;
    }
}
