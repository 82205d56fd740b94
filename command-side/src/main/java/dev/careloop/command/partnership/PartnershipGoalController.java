package dev.careloop.command.partnership;

import dev.careloop.api.Actor;
import dev.careloop.api.partnership.FindPartnershipGoal;
import dev.careloop.api.partnership.GoalDirection;
import dev.careloop.api.partnership.PartnershipGoalView;
import dev.careloop.api.partnership.SetPartnershipGoal;
import dev.careloop.api.partnership.WithdrawPartnershipGoal;
import dev.careloop.command.rules.Refusal;
import dev.careloop.command.rules.Rules;
import dev.careloop.command.web.IdempotentWrites;
import dev.careloop.command.web.IdempotentWrites.Written;
import dev.careloop.command.web.Organisations;
import dev.careloop.command.web.WriteHeaders;
import dev.careloop.command.web.WriteResponses;
import dev.careloop.command.web.WriteResponses.ReadBack;
import dev.careloop.command.web.Commands;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.UUID;

/**
 * Partnership goals (docs/ANALYTICS.md, "Partnership goals"; docs/API.md, "Partnerships"): the caller's organisation
 * sets a goal on its partnership with {@code partner}, or withdraws one it set. The answer is the goal as the
 * partnership's read model shows it once caught up. An unknown partner is a 404, like a partnership the caller is
 * not part of.
 */
@RestController
@RequestMapping("/api/partnerships/{partner}/goals")
@Tag(name = "Partnerships", description = "Referral partnerships measured against their goals")
class PartnershipGoalController {

    private static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final Commands commands;
    private final IdempotentWrites idempotency;
    private final Organisations organisations;
    private final WriteResponses responses;

    PartnershipGoalController(Commands commands, IdempotentWrites idempotency, Organisations organisations,
                              WriteResponses responses) {
        this.commands = commands;
        this.idempotency = idempotency;
        this.organisations = organisations;
        this.responses = responses;
    }

    /**
     * A goal: {@code measure} (see GoalMeasure), {@code target} (a share 0-1, or hours), {@code withinDays} (the loop
     * closure rate only), optionally {@code priority}, {@code service} and {@code direction} (both by default).
     */
    record GoalRequest(@NotBlank @Size(max = 64) String measure,
                       @NotNull Double target,
                       Integer withinDays,
                       @Pattern(regexp = "routine|urgent|asap|stat", message = "must be one of routine, urgent, asap, stat")
                       String priority,
                       @Size(max = 255) String service,
                       @Pattern(regexp = GoalDirection.CODES, message = "must be one of both, outgoing, incoming")
                       String direction,
                       @NotBlank @Size(max = 4000) String reason) {
    }

    record WithdrawRequest(@NotBlank @Size(max = 4000) String reason) {
    }

    @PostMapping
    @Operation(summary = "Set a goal on the partnership with this organisation (clinicians, coordinators): 201 with "
            + "the goal; who set it, when and why are recorded")
    ResponseEntity<Object> set(@PathVariable String partner, @Valid @RequestBody GoalRequest body, Actor actor,
                               @RequestHeader(value = IDEMPOTENCY_KEY, required = false) String key) {
        requirePartner(partner, actor);
        Written written = idempotency.run(actor, key, "goal|" + partner + "|" + body, () -> {
            String id = UUID.randomUUID().toString();
            long version = commands.sendForVersion(new SetPartnershipGoal(id, partner, body.measure(), body.target(),
                    body.withinDays(), body.priority(), body.service(), body.direction(), body.reason()), actor, null);
            return new Written(201, id, version, null, false);
        });
        return respond(partner, written, actor, key);
    }

    @DeleteMapping("/{goalId}")
    @Operation(summary = "Withdraw a goal your organisation set, saying why (body {\"reason\"}); it stays listed as "
            + "withdrawn")
    ResponseEntity<Object> withdraw(@PathVariable String partner, @PathVariable @Size(max = 64) String goalId,
                                    @Valid @RequestBody WithdrawRequest body, Actor actor, WriteHeaders headers) {
        String key = headers.idempotencyKey();
        return respond(partner, idempotency.act(goalId, headers.ifMatch(),
                new WithdrawPartnershipGoal(goalId, partner, body.reason()), actor, key), actor, key);
    }

    /** The partner must be another organisation CareLoop knows; anything else is no partnership (404). */
    private void requirePartner(String partner, Actor actor) {
        try {
            organisations.requireKnown("partner", partner);
        } catch (Rules.InvalidField e) {
            throw Refusal.notFound("partnership");
        }
        if (actor.actsFor(partner)) {
            throw Refusal.notFound("partnership");
        }
    }

    private ResponseEntity<Object> respond(String partner, Written written, Actor actor, String key) {
        return responses.respond(written, actor, key, new ReadBack<>("/api/partnerships/" + partner + "/goals",
                "goalId", position -> new FindPartnershipGoal(written.id(), actor.organisation(), written.version(),
                position), PartnershipGoalView.class, PartnershipGoalView::version));
    }
}
