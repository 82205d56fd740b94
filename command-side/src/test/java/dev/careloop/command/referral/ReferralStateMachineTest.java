package dev.careloop.command.referral;

import dev.careloop.command.rules.Refusal;
import dev.careloop.api.referral.ReferralStatus;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.careloop.api.referral.FollowAppointment;
import dev.careloop.api.referral.VisitScheduled;
import dev.careloop.api.referral.ReferralStateMachine;
import dev.careloop.api.referral.ReferralStateMachine.Visit;

import static dev.careloop.command.referral.ReferralTestData.referralFixture;
import static dev.careloop.api.referral.ReferralStatus.*;
import static dev.careloop.command.referral.ReferralTestData.NORTHSIDE;
import static dev.careloop.command.referral.ReferralTestData.NORTHSIDE_STAFF;
import static dev.careloop.command.referral.ReferralTestData.RIVERSIDE;
import static dev.careloop.command.referral.ReferralTestData.RIVERSIDE_CLINICIAN;
import static dev.careloop.command.referral.ReferralTestData.RIVERSIDE_COORDINATOR;
import static dev.careloop.command.referral.ReferralTestData.by;
import static dev.careloop.command.referral.ReferralTestData.history;
import static dev.careloop.command.referral.ReferralTestData.refusal;
import static org.assertj.core.api.Assertions.assertThat;
import static dev.careloop.command.referral.ReferralTestData.MOVED_APPOINTMENT;
import static org.axonframework.test.matchers.Matchers.exactSequenceOf;
import static org.axonframework.test.matchers.Matchers.matches;
import static org.axonframework.test.matchers.Matchers.payloadsMatching;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;

/**
 * Every step from every state, taken by the right organisation and role, against a grid written by hand from the state
 * machine table in docs/API.md (and, where it is silent, what a clinician would expect). The grid is the spec: it never
 * reads {@code ReferralTransitions}, so a wrong row in the production table fails here.
 */
class ReferralStateMachineTest {

    /*
     * Rows: the step. Columns: the state the referral is in. A cell names the state the step leads to,
     * "-" where the state refuses the step (409), and "!" where the state allows it but the appointment
     * rules refuse it in the history used here (409 with the rule's own reason).
     *
     * CRE created (2.0)  ACC accepted (3.0)  DEC declined (4.0)  SCH scheduled (5.1.1)  NOS no-show (5.1.2)
     * APX appointment cancelled (5.1.3)  INT interim note sent (5.1.4)  CXR cancellation requested (5.2)
     * CXL cancelled (6.0)  COM completed (7.0)  HLD on hold for information (8.0, asked while awaiting triage)
     *
     * Histories (ReferralTestData.history): INT still has a visit booked; in NOS the patient missed it (a missed
     * appointment is over: it is rescheduled as a new one, there is nothing left to cancel); APX had one,
     * cancelled.
     *
     * The visit steps (schedule, reschedule, no-show, cancel-appointment) are the appointment's to carry out: the
     * referral checks them (refusing exactly as the grid says), and follows the appointment's change in the same
     * transaction, which leads to the cell's state.
     */
    private static final String GRID = """
            step                   CRE  ACC  DEC  SCH  NOS  APX  INT  CXR  CXL  COM  HLD
            accept                 ACC   -    -    -    -    -    -    -    -    -    -
            decline                DEC  DEC   -   DEC  DEC  DEC  DEC  DEC   -    -   DEC
            forward                CRE  CRE   -    -    -    -    -    -    -    -    -
            request-information    HLD  HLD   -   HLD  HLD  HLD  HLD   -    -    -    -
            provide-information     -    -    -    -    -    -    -    -    -    -   CRE
            schedule                -   SCH   -    !    !   SCH   !    -    -    -    -
            reschedule              -    !    -   SCH  SCH  SCH  SCH   -    -    -    -
            no-show                 -    -    -   NOS   -    -    -    -    -    -    -
            cancel-appointment      -    -    -   APX   !    -   APX   -    -    -    -
            interim-note            -   INT   -   INT  INT  INT  INT   -    -    -    -
            request-cancellation   CXR  CXR   -   CXR  CXR  CXR  CXR   -    -    -   CXR
            confirm-cancellation    -    -    -    -    -    -    -   CXL   -    -    -
            outcome                 -   COM   -   COM  COM  COM  COM  COM   -    -    -
            acknowledge-outcome     -    -    -    -    -    -    -    -    -   COM   -
            refer-back              -   ACC   -   SCH  NOS  APX  INT   -    -   COM   -
            """;

    private static final Map<String, ReferralStatus> COLUMN = Map.ofEntries(
            Map.entry("CRE", CREATED), Map.entry("ACC", ACCEPTED), Map.entry("DEC", DECLINED),
            Map.entry("SCH", SCHEDULED), Map.entry("NOS", NO_SHOW), Map.entry("APX", APPOINTMENT_CANCELLED),
            Map.entry("INT", INTERIM_NOTE_SENT), Map.entry("CXR", CANCELLATION_REQUESTED),
            Map.entry("CXL", CANCELLED), Map.entry("COM", COMPLETED), Map.entry("HLD", INFORMATION_REQUESTED));

    /** Where the appointment stands in each column's history (ReferralTestData.history), written by hand. */
    private static final Map<ReferralStatus, ReferralStateMachine.Visit> VISIT = Map.ofEntries(
            Map.entry(CREATED, Visit.NONE), Map.entry(ACCEPTED, Visit.NONE), Map.entry(DECLINED, Visit.NONE),
            Map.entry(SCHEDULED, Visit.BOOKED), Map.entry(NO_SHOW, Visit.MISSED),
            Map.entry(APPOINTMENT_CANCELLED, Visit.CANCELLED), Map.entry(INTERIM_NOTE_SENT, Visit.BOOKED),
            Map.entry(CANCELLATION_REQUESTED, Visit.NONE), Map.entry(CANCELLED, Visit.NONE),
            Map.entry(COMPLETED, Visit.BOOKED), Map.entry(INFORMATION_REQUESTED, Visit.NONE));

    private final AggregateTestFixture<Referral> fixture = referralFixture();

    record Cell(Action step, ReferralStatus from, String outcome) {
        boolean allowed() {
            return COLUMN.containsKey(outcome);
        }

        ReferralStatus to() {
            return COLUMN.get(outcome);
        }
    }

    static List<Cell> grid() {
        List<String> lines = GRID.lines().filter(l -> !l.isBlank()).toList();
        List<ReferralStatus> columns = Arrays.stream(lines.get(0).trim().split("\\s+")).skip(1)
                .map(COLUMN::get).toList();
        List<Cell> cells = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] tokens = line.trim().split("\\s+");
            if (tokens.length != columns.size() + 1) {
                throw new IllegalStateException("grid row has the wrong number of cells: " + line);
            }
            for (int i = 0; i < columns.size(); i++) {
                cells.add(new Cell(Action.byPath(tokens[0]), columns.get(i), tokens[i + 1]));
            }
        }
        return cells;
    }

    static Stream<Arguments> allowedSteps() {
        return grid().stream().filter(Cell::allowed)
                .map(c -> Arguments.of(c.step(), c.from(), c.to()));
    }

    static Stream<Arguments> stepsTheStateRefuses() {
        return grid().stream().filter(c -> c.outcome().equals("-"))
                .map(c -> Arguments.of(c.step(), c.from()));
    }

    static Stream<Arguments> stepsTheAppointmentRulesRefuse() {
        return grid().stream().filter(c -> c.outcome().equals("!"))
                .map(c -> Arguments.of(c.step(), c.from()));
    }

    @Test
    void theGridCoversEveryStepFromEveryState() {
        List<Cell> cells = grid();
        assertThat(cells.stream().map(Cell::step).collect(Collectors.toCollection(() -> EnumSet.noneOf(Action.class))))
                .containsExactlyInAnyOrder(Action.values());
        assertThat(cells.stream().map(Cell::from).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(ReferralStatus.values());
        assertThat(cells).hasSize(Action.values().length * ReferralStatus.values().length)
                .allSatisfy(c -> assertThat(c.allowed() || c.outcome().equals("-") || c.outcome().equals("!"))
                        .as("cell %s", c).isTrue());
    }

    @ParameterizedTest(name = "{0} from {1} leads to {2}")
    @MethodSource("allowedSteps")
    void theRightPartyCanTakeEveryAllowedStep(Action step, ReferralStatus from, ReferralStatus to) {
        List<Object> history = history(from);
        var result = fixture.given(history)
                .when(step.command(), by(step.rightParty()))
                .expectSuccessfulHandlerExecution()
                // the new version: the referral's own events, one more than before
                .expectResultMessagePayload((long) history.size() + 1);
        if (step == Action.RESCHEDULE && VISIT.get(from) != Visit.BOOKED) {
            // No visit left to move: a new appointment (its id minted by the booking) is booked and followed.
            result.expectEventsMatching(payloadsMatching(exactSequenceOf(matches(e -> e instanceof VisitScheduled v
                    && v.appointmentVersion() == 1 && v.appointment().equals(MOVED_APPOINTMENT) && v.status() == to))));
        } else {
            result.expectEvents(step.written(to).toArray());
        }
        if (step.follow() != null) {
            fixture.given(history)
                    .when(step.follow())
                    .expectEvents(step.events(to).toArray())
                    .expectResultMessagePayload(FollowAppointment.Outcome.followed());
        }
    }

    @ParameterizedTest(name = "{0} is refused from {1}")
    @MethodSource("stepsTheStateRefuses")
    void everyOtherStepIsRefusedAsAConflict(Action step, ReferralStatus from) {
        fixture.given(history(from))
                .when(step.command(), by(step.rightParty()))
                .expectException(refusal(Refusal.Kind.CONFLICT,
                        startsWith("a referral that is " + from.phrase() + " cannot ")))
                .expectNoEvents();
    }

    /**
     * The actions the referral view offers (ReferralStateMachine.allowedActions) are exactly the grid's: a step the
     * grid allows from a state is offered to the party that takes it, a step it refuses ("-", or "!" for the
     * appointment rules) is not, and the other organisation is offered none of them.
     */
    @ParameterizedTest(name = "{0} from {1}: {2}")
    @MethodSource("cells")
    void theViewOffersExactlyTheStepsTheGridAllows(Action step, ReferralStatus from, String outcome) {
        var situation = new ReferralStateMachine.Situation(from, NORTHSIDE, RIVERSIDE, false, VISIT.get(from), false);

        List<String> offered = ReferralStateMachine.allowedActions(step.rightParty(), situation);
        List<String> offeredToTheOtherSide = ReferralStateMachine.allowedActions(step.otherParty(), situation);

        if (COLUMN.containsKey(outcome)) {
            assertThat(offered).contains(step.path);
        } else {
            assertThat(offered).doesNotContain(step.path);
        }
        assertThat(offeredToTheOtherSide).doesNotContain(step.path);
    }

    static Stream<Arguments> cells() {
        return grid().stream().map(c -> Arguments.of(c.step(), c.from(), c.outcome()));
    }

    @Test
    void anAcknowledgedOutcomeIsNotOfferedForAcknowledgementAgain() {
        var closed = new ReferralStateMachine.Situation(COMPLETED, NORTHSIDE, RIVERSIDE, true, Visit.BOOKED, false);

        assertThat(ReferralStateMachine.allowedActions(NORTHSIDE_STAFF, closed)).isEmpty();
    }

    @Test
    void aCoordinatorIsNotOfferedTheStepsOnlyCliniciansTake() {
        var accepted = new ReferralStateMachine.Situation(ACCEPTED, NORTHSIDE, RIVERSIDE, false, Visit.NONE, false);

        assertThat(ReferralStateMachine.allowedActions(RIVERSIDE_COORDINATOR, accepted))
                .containsExactly("decline", "forward", "request-information", "schedule", "assign");
        assertThat(ReferralStateMachine.allowedActions(RIVERSIDE_CLINICIAN, accepted))
                .containsExactly("decline", "forward", "request-information", "schedule", "interim-note", "outcome",
                        "refer-back", "assign");
    }

    @Test
    void onlyAnAssignedReferralOffersUnassigning() {
        var assigned = new ReferralStateMachine.Situation(CREATED, NORTHSIDE, RIVERSIDE, false, Visit.NONE, true);

        assertThat(ReferralStateMachine.allowedActions(RIVERSIDE_COORDINATOR, assigned))
                .containsExactly("accept", "decline", "forward", "request-information", "assign", "unassign");
        assertThat(ReferralStateMachine.allowedActions(NORTHSIDE_STAFF, assigned))
                .containsExactly("request-cancellation");
    }

    @ParameterizedTest(name = "{0} is refused from {1} by the appointment rules")
    @MethodSource("stepsTheAppointmentRulesRefuse")
    void appointmentRulesRefuseSomeStepsTheStateAllows(Action step, ReferralStatus from) {
        fixture.given(history(from))
                .when(step.command(), by(step.rightParty()))
                .expectException(refusal(Refusal.Kind.CONFLICT, containsString("appointment")))
                .expectNoEvents();
    }
}
