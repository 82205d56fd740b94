package dev.careloop.command.referral;

import dev.careloop.command.rules.Refusal;
import dev.careloop.api.Actor;
import dev.careloop.api.referral.ReferralStatus;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.careloop.api.referral.ReferralStatus.*;
import static dev.careloop.command.referral.ReferralTransitions.Party.INITIATOR;
import static dev.careloop.command.referral.ReferralTransitions.Party.RECIPIENT;

/**
 * The referral state machine of DESIGN.md as one table: trigger, who may, from which states, to which
 * state. The aggregate consults it for every command; nothing else decides a transition.
 */
final class ReferralTransitions {

    enum Party {
        INITIATOR("referring"), RECIPIENT("receiving");

        private final String adjective;

        Party(String adjective) {
            this.adjective = adjective;
        }
    }

    /** A target meaning "back to where the referral was before it went on hold". */
    static final ReferralStatus RESUME = null;

    /** A row of the table. {@code to == null} keeps (or, for PROVIDE_INFORMATION, restores) the status. */
    record Transition(Trigger trigger, Party party, Set<String> roles, Set<ReferralStatus> from, ReferralStatus to) {
        ReferralStatus target(ReferralStatus current, ReferralStatus beforeHold) {
            if (to != null) {
                return to;
            }
            return trigger == Trigger.PROVIDE_INFORMATION ? beforeHold : current;
        }
    }

    private static final Set<String> STAFF = Set.of(Actor.CLINICIAN, Actor.COORDINATOR);
    private static final Set<String> CLINICIANS = Set.of(Actor.CLINICIAN);

    /** In progress (Task.status in-progress) but not waiting for a cancellation to be confirmed. */
    private static final Set<ReferralStatus> IN_PROGRESS =
            EnumSet.of(SCHEDULED, NO_SHOW, APPOINTMENT_CANCELLED, INTERIM_NOTE_SENT);

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
            row(Trigger.REFER_BACK, RECIPIENT, CLINICIANS, with(IN_PROGRESS, ACCEPTED, COMPLETED), null));

    private static final Map<Trigger, Transition> BY_TRIGGER =
            TABLE.stream().collect(Collectors.toMap(Transition::trigger, Function.identity()));

    private ReferralTransitions() {
    }

    /**
     * Decides whether {@code actor} may pull {@code trigger} on a referral in {@code current}; returns the
     * row to apply or throws a {@link Refusal} whose reason a clinician can read.
     */
    static Transition decide(Trigger trigger, Actor actor, ReferralStatus current, String initiator, String recipient) {
        Transition t = BY_TRIGGER.get(trigger);
        String party = t.party() == INITIATOR ? initiator : recipient;
        if (!actor.actsFor(party)) {
            throw new Refusal(Refusal.Kind.FORBIDDEN,
                    "only the " + t.party().adjective + " organisation can " + trigger.action());
        }
        if (!actor.hasAnyRole(t.roles())) {
            throw new Refusal(Refusal.Kind.FORBIDDEN,
                    "only " + String.join(" or ", t.roles().stream().sorted().map(r -> r + "s").toList())
                            + " can " + trigger.action());
        }
        boolean allowed = current == null ? trigger == Trigger.SEND : t.from().contains(current);
        if (!allowed) {
            throw new Refusal(Refusal.Kind.CONFLICT,
                    current == null ? "this referral already exists"
                            : "a referral that is " + current.phrase() + " cannot " + trigger.refused());
        }
        return t;
    }

    /** Whether the table lets {@code trigger} move a referral in {@code current}, whoever pulls it. */
    static boolean allows(Trigger trigger, ReferralStatus current) {
        return current != null && BY_TRIGGER.get(trigger).from().contains(current);
    }

    /** Where {@code trigger} takes a referral (for triggers with a fixed target). */
    static ReferralStatus target(Trigger trigger) {
        return BY_TRIGGER.get(trigger).to();
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
