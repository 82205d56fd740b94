package dev.careloop.api.referral;

import dev.careloop.api.Actor;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.careloop.api.referral.ReferralStatus.*;
import static dev.careloop.api.referral.ReferralStateMachine.Party.INITIATOR;
import static dev.careloop.api.referral.ReferralStateMachine.Party.RECIPIENT;

/**
 * The referral state machine (docs/API.md, "The referral state machine") as one table: trigger, who may, from which
 * states, to which state. The aggregate consults it for every command (and turns a {@link Verdict} into its refusal);
 * the query side asks it which actions a caller may take now ({@link #allowedActions}). Nothing else decides a
 * transition.
 */
public final class ReferralStateMachine {

    public enum Party {
        INITIATOR("referring"), RECIPIENT("receiving");

        private final String adjective;

        Party(String adjective) {
            this.adjective = adjective;
        }
    }

    /** A target meaning "back to where the referral was before it went on hold". */
    public static final ReferralStatus RESUME = null;

    /** A row of the table. {@code to == null} keeps (or, for PROVIDE_INFORMATION, restores) the status. */
    public record Transition(Trigger trigger, Party party, Set<String> roles, Set<ReferralStatus> from,
                             ReferralStatus to) {
        public ReferralStatus target(ReferralStatus current, ReferralStatus beforeHold) {
            if (to != null) {
                return to;
            }
            return trigger == Trigger.PROVIDE_INFORMATION ? beforeHold : current;
        }
    }

    /** Why a step is refused: the caller may not take it ({@code forbidden}) or the state refuses it. */
    public record Verdict(boolean forbidden, String reason) {
    }

    private static final Set<String> STAFF = Set.of(Actor.CLINICIAN, Actor.COORDINATOR);
    private static final Set<String> CLINICIANS = Set.of(Actor.CLINICIAN);

    /** In progress (Task.status in-progress) but not waiting for a cancellation to be confirmed. */
    private static final Set<ReferralStatus> IN_PROGRESS =
            EnumSet.of(SCHEDULED, NO_SHOW, APPOINTMENT_CANCELLED, INTERIM_NOTE_SENT);

    /** Where the receiving organisation still has work to do: everything but declined, cancelled and completed. */
    private static final Set<ReferralStatus> WORK_OPEN =
            with(IN_PROGRESS, CREATED, ACCEPTED, CANCELLATION_REQUESTED, INFORMATION_REQUESTED);

    private static final List<Transition> TABLE = List.of(
            row(Trigger.SEND, INITIATOR, STAFF, EnumSet.noneOf(ReferralStatus.class), CREATED),
            row(Trigger.ACCEPT, RECIPIENT, STAFF, EnumSet.of(CREATED), ACCEPTED),
            row(Trigger.DECLINE, RECIPIENT, STAFF,
                    with(IN_PROGRESS, CREATED, ACCEPTED, CANCELLATION_REQUESTED, INFORMATION_REQUESTED), DECLINED),
            row(Trigger.FORWARD, RECIPIENT, STAFF, EnumSet.of(CREATED, ACCEPTED), CREATED),
            row(Trigger.REQUEST_INFORMATION, RECIPIENT, STAFF, with(IN_PROGRESS, CREATED, ACCEPTED),
                    INFORMATION_REQUESTED),
            row(Trigger.PROVIDE_INFORMATION, INITIATOR, STAFF, EnumSet.of(INFORMATION_REQUESTED), RESUME),
            row(Trigger.SCHEDULE, RECIPIENT, STAFF, with(IN_PROGRESS, ACCEPTED), SCHEDULED),
            row(Trigger.RESCHEDULE, RECIPIENT, STAFF, with(IN_PROGRESS, ACCEPTED), SCHEDULED),
            row(Trigger.RECORD_NO_SHOW, RECIPIENT, STAFF, EnumSet.of(SCHEDULED), NO_SHOW),
            row(Trigger.CANCEL_APPOINTMENT, RECIPIENT, STAFF, EnumSet.of(SCHEDULED, NO_SHOW, INTERIM_NOTE_SENT),
                    APPOINTMENT_CANCELLED),
            row(Trigger.SEND_INTERIM_NOTE, RECIPIENT, CLINICIANS, with(IN_PROGRESS, ACCEPTED), INTERIM_NOTE_SENT),
            row(Trigger.REQUEST_CANCELLATION, INITIATOR, STAFF,
                    with(IN_PROGRESS, CREATED, ACCEPTED, INFORMATION_REQUESTED), CANCELLATION_REQUESTED),
            row(Trigger.CONFIRM_CANCELLATION, RECIPIENT, STAFF, EnumSet.of(CANCELLATION_REQUESTED), CANCELLED),
            row(Trigger.SEND_OUTCOME, RECIPIENT, CLINICIANS, with(IN_PROGRESS, ACCEPTED, CANCELLATION_REQUESTED),
                    COMPLETED),
            row(Trigger.ACKNOWLEDGE_OUTCOME, INITIATOR, STAFF, EnumSet.of(COMPLETED), COMPLETED),
            row(Trigger.REFER_BACK, RECIPIENT, CLINICIANS, with(IN_PROGRESS, ACCEPTED, COMPLETED), null),
            // Who works on it at the receiving organisation: the status stays where it is.
            row(Trigger.ASSIGN, RECIPIENT, STAFF, WORK_OPEN, null),
            row(Trigger.UNASSIGN, RECIPIENT, STAFF, WORK_OPEN, null));

    private static final Map<Trigger, Transition> BY_TRIGGER =
            TABLE.stream().collect(Collectors.toMap(Transition::trigger, Function.identity()));

    private ReferralStateMachine() {
    }

    /** The row of {@code trigger}. */
    public static Transition rule(Trigger trigger) {
        return BY_TRIGGER.get(trigger);
    }

    /**
     * Whether {@code actor} may pull {@code trigger} on a referral in {@code current} ({@code null}: not yet sent):
     * null when it may, else the verdict with a reason a clinician can read.
     */
    public static Verdict check(Trigger trigger, Actor actor, ReferralStatus current, String initiator,
                                String recipient) {
        Transition t = BY_TRIGGER.get(trigger);
        String party = t.party() == INITIATOR ? initiator : recipient;
        if (!actor.actsFor(party)) {
            return new Verdict(true, "only the " + t.party().adjective + " organisation can " + trigger.action());
        }
        if (!actor.hasAnyRole(t.roles())) {
            return new Verdict(true, "only " + String.join(" or ", t.roles().stream().sorted().map(r -> r + "s")
                    .toList()) + " can " + trigger.action());
        }
        boolean allowed = current == null ? trigger == Trigger.SEND : t.from().contains(current);
        if (!allowed) {
            return new Verdict(false, current == null ? "this referral already exists"
                    : "a referral that is " + current.phrase() + " cannot " + trigger.refused());
        }
        return null;
    }

    /** Whether the table lets {@code trigger} move a referral in {@code current}, whoever pulls it. */
    public static boolean allows(Trigger trigger, ReferralStatus current) {
        return current != null && BY_TRIGGER.get(trigger).from().contains(current);
    }

    /** Where {@code trigger} takes a referral (for triggers with a fixed target). */
    public static ReferralStatus target(Trigger trigger) {
        return BY_TRIGGER.get(trigger).to();
    }

    /** The referral's appointment as the visit rules see it: none ever, booked, missed (no-show), cancelled. */
    public enum Visit {
        NONE, BOOKED, MISSED, CANCELLED
    }

    /**
     * What a referral is, as far as the rules beyond the table need it: whether the loop is closed, where its
     * appointment stands, whether someone is assigned.
     */
    public record Situation(ReferralStatus status, String initiator, String recipient, boolean loopClosed,
                            Visit visit, boolean assigned) {
    }

    /**
     * The steps {@code actor} may take on the referral now, in table order, as REST action names ("accept",
     * "assign"...): the table's verdict (party, role, state), then the few rules the aggregate adds to it (an
     * acknowledged outcome is not acknowledged twice; an appointment is booked once, then rescheduled; only a
     * booked one can be missed or cancelled; only an assigned referral can be unassigned).
     */
    public static List<String> allowedActions(Actor actor, Situation s) {
        List<String> actions = new ArrayList<>();
        for (Transition t : TABLE) {
            if (t.trigger() == Trigger.SEND || check(t.trigger(), actor, s.status(), s.initiator(), s.recipient())
                    != null || !beyondTheTable(t.trigger(), s)) {
                continue;
            }
            actions.add(t.trigger().restAction());
        }
        return List.copyOf(actions);
    }

    private static boolean beyondTheTable(Trigger trigger, Situation s) {
        return switch (trigger) {
            case ACKNOWLEDGE_OUTCOME -> !s.loopClosed();
            case SCHEDULE -> s.visit() == Visit.NONE || s.visit() == Visit.CANCELLED;
            case RESCHEDULE -> s.visit() != Visit.NONE;
            case RECORD_NO_SHOW, CANCEL_APPOINTMENT -> s.visit() == Visit.BOOKED;
            case UNASSIGN -> s.assigned();
            default -> true;
        };
    }

    private static Transition row(Trigger trigger, Party party, Set<String> roles, Set<ReferralStatus> from,
                                  ReferralStatus to) {
        return new Transition(trigger, party, roles, Set.copyOf(from), to);
    }

    private static Set<ReferralStatus> with(Set<ReferralStatus> base, ReferralStatus... more) {
        EnumSet<ReferralStatus> all = EnumSet.copyOf(base);
        all.addAll(List.of(more));
        return all;
    }
}
