package dev.careloop.command.referral;

import dev.careloop.api.Actor;
import dev.careloop.api.referral.ReferralStateMachine;
import dev.careloop.api.referral.ReferralStatus;
import dev.careloop.api.referral.Trigger;
import dev.careloop.command.rules.Refusal;

/** The aggregate's side of {@link ReferralStateMachine}: a refused step becomes a {@link Refusal}. */
final class ReferralTransitions {

    private ReferralTransitions() {
    }

    /**
     * Decides whether {@code actor} may pull {@code trigger} on a referral in {@code current}; returns the
     * row to apply or throws a {@link Refusal} whose reason a clinician can read.
     */
    static ReferralStateMachine.Transition decide(Trigger trigger, Actor actor, ReferralStatus current,
                                                  String initiator, String recipient) {
        ReferralStateMachine.Verdict refused = ReferralStateMachine.check(trigger, actor, current, initiator,
                recipient);
        if (refused != null) {
            throw new Refusal(refused.forbidden() ? Refusal.Kind.FORBIDDEN : Refusal.Kind.CONFLICT, refused.reason());
        }
        return ReferralStateMachine.rule(trigger);
    }

    static boolean allows(Trigger trigger, ReferralStatus current) {
        return ReferralStateMachine.allows(trigger, current);
    }

    static ReferralStatus target(Trigger trigger) {
        return ReferralStateMachine.target(trigger);
    }
}
