package dev.careloop.command.partnership;

import dev.careloop.api.Actor;
import dev.careloop.api.MetadataKeys;
import dev.careloop.api.partnership.GoalDirection;
import dev.careloop.api.partnership.GoalMeasure;
import dev.careloop.api.partnership.PartnershipGoalSet;
import dev.careloop.api.partnership.PartnershipGoalWithdrawn;
import dev.careloop.api.partnership.SetPartnershipGoal;
import dev.careloop.api.partnership.WithdrawPartnershipGoal;
import dev.careloop.api.referral.Priority;
import dev.careloop.command.rules.Refusal;
import dev.careloop.command.rules.Rules;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateLifecycle;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

import java.util.Arrays;
import java.util.Set;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * A goal one organisation sets on its partnership with another (docs/ANALYTICS.md, "Partnership goals"): a target on
 * one measure, for some of the partnership's referrals, with who set it, when and why. Either organisation of the
 * partnership sees it; only the one that set it may withdraw it. Handlers return the goal's new version.
 */
@Aggregate
public class PartnershipGoal {

    private static final Set<String> WHO_MAY = Set.of(Actor.CLINICIAN, Actor.COORDINATOR);
    static final int MAX_WITHIN_DAYS = 365;

    @AggregateIdentifier
    private String goalId;
    private String organisation;
    private String partner;
    private boolean withdrawn;

    protected PartnershipGoal() {
        // for Axon
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.ALWAYS)
    long handle(SetPartnershipGoal cmd, Actor actor) {
        mayManageGoals(actor);
        Rules.require(cmd.partner() != null && !cmd.partner().equals(actor.organisation()), "partner",
                "a partnership is between two organisations: name the other one");
        GoalMeasure measure = GoalMeasure.of(cmd.measure());
        Rules.require(measure != null, "measure", "must be one of " + String.join(", ", GoalMeasure.codes()));
        Rules.require(cmd.target() != null && !cmd.target().isNaN() && cmd.target() >= measure.min()
                        && cmd.target() <= measure.max(), "target", "hours".equals(measure.unit())
                        ? "must be a number of hours between 0 and " + (long) measure.max()
                        : "must be a share between 0 and 1 (0.9 for 90 %)");
        if (GoalMeasure.LOOP_CLOSURE_RATE.equals(measure.code())) {
            Rules.require(cmd.withinDays() != null && cmd.withinDays() >= 1 && cmd.withinDays() <= MAX_WITHIN_DAYS,
                    "withinDays", "the loop closure rate needs the days a loop must close within (1-365)");
        } else {
            Rules.require(cmd.withinDays() == null, "withinDays", "only the loop closure rate takes withinDays");
        }
        Rules.require(cmd.priority() == null || Arrays.stream(Priority.values())
                        .anyMatch(p -> p.code().equals(cmd.priority())), "priority",
                "must be one of routine, urgent, asap, stat");
        Rules.require(cmd.priority() == null || !GoalMeasure.RECIPROCITY.equals(measure.code()), "priority",
                "reciprocity is over all of the partnership's referrals: leave priority out");
        GoalDirection direction;
        try {
            direction = cmd.direction() == null ? GoalDirection.BOTH : GoalDirection.ofCode(cmd.direction());
        } catch (IllegalArgumentException e) {
            throw new Rules.InvalidField("direction", e.getMessage());
        }
        Rules.require(direction == GoalDirection.BOTH || !GoalMeasure.RECIPROCITY.equals(measure.code()),
                "direction", "reciprocity compares both directions: leave direction out");
        Rules.require(cmd.reason() != null && !cmd.reason().isBlank(), "reason", "say why the goal is set");
        apply(new PartnershipGoalSet(cmd.goalId(), actor.organisation(), cmd.partner(), measure.code(),
                measure.comparison().code(), cmd.target(), cmd.withinDays(), cmd.priority(),
                cmd.service() == null || cmd.service().isBlank() ? null : cmd.service().strip(), direction.code(),
                cmd.reason()));
        return version();
    }

    @CommandHandler
    long handle(WithdrawPartnershipGoal cmd, Actor actor,
                @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) {
        // The path names the other organisation of the partnership, as the caller sees it.
        String other = actor.actsFor(organisation) ? partner : actor.actsFor(partner) ? organisation : null;
        if (other == null || !other.equals(cmd.partner())) {
            throw Refusal.notFound("goal");
        }
        if (!actor.actsFor(organisation)) {
            throw new Refusal(Refusal.Kind.FORBIDDEN, "only the organisation that set a goal can withdraw it");
        }
        mayManageGoals(actor);
        Rules.requireVersion("goal", expected, version());
        Rules.conflictUnless(!withdrawn, "this goal is already withdrawn");
        Rules.require(cmd.reason() != null && !cmd.reason().isBlank(), "reason", "say why the goal is withdrawn");
        apply(new PartnershipGoalWithdrawn(goalId, organisation, partner, cmd.reason()));
        return version();
    }

    private static void mayManageGoals(Actor actor) {
        if (!actor.hasAnyRole(WHO_MAY)) {
            throw new Refusal(Refusal.Kind.FORBIDDEN, "only clinicians or coordinators can set a partnership's goals");
        }
    }

    private static long version() {
        Long sequence = AggregateLifecycle.getVersion();
        return sequence == null ? 0 : sequence + 1;
    }

    @EventSourcingHandler
    void on(PartnershipGoalSet e) {
        goalId = e.goalId();
        organisation = e.organisation();
        partner = e.partner();
    }

    @EventSourcingHandler
    void on(PartnershipGoalWithdrawn e) {
        withdrawn = true;
    }
}
