package dev.careloop.query.referral;

import dev.careloop.query.ReadModels;
import dev.careloop.query.asof.ReferralAsOf;
import dev.careloop.api.Actor;
import dev.careloop.api.access.AccessDecision;
import dev.careloop.api.access.AccessPolicy;
import dev.careloop.api.referral.FindReferral;
import dev.careloop.api.referral.Priority;
import dev.careloop.api.referral.ReferralStatus;
import dev.careloop.api.referral.ReferralView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.*;
import org.springframework.web.server.ResponseStatusException;

import java.time.Duration;
import java.util.List;

/** The referral read API: inbox and outbox, the current view with its ETag, and the timeline. */
@RestController
@RequestMapping("/api/referrals")
@Tag(name = "Referrals: read", description = "Inbox, outbox, the referral and its timeline")
class ReferralQueryController {

    private final ReferralReadModel readModel;
    private final ReferralAsOf asOf;
    private final Duration readYourWritesTimeout;

    ReferralQueryController(ReferralReadModel readModel, ReferralAsOf asOf,
                            @Value("${careloop.read-your-writes-timeout:PT5S}") Duration readYourWritesTimeout) {
        this.readModel = readModel;
        this.asOf = asOf;
        this.readYourWritesTimeout = readYourWritesTimeout;
    }

    @GetMapping
    @Operation(summary = "List the referrals your organisation takes part in now: box=inbox (received), "
            + "outbox (sent) or all; filter by status, priority, overdue, patient; sort=field,asc|desc")
    ReferralReadModel.Page list(Actor actor,
                                @RequestParam(required = false) @Pattern(regexp = "inbox|outbox|all") String box,
                                @RequestParam(required = false) String status,
                                @RequestParam(required = false) String priority,
                                @RequestParam(required = false) Boolean overdue,
                                @RequestParam(required = false) String patient,
                                @RequestParam(defaultValue = "0") @Min(0) int page,
                                @RequestParam(defaultValue = "20") @Min(1) @Max(200) int size,
                                @RequestParam(defaultValue = "updatedAt,desc")
                                @Pattern(regexp = "(createdAt|updatedAt|priority|slaDueAt|status|patientName)"
                                        + "(,(asc|desc))?") String sort) {
        String[] sortParts = sort.split(",");
        var filter = new ReferralReadModel.Filter(box, status == null ? null : parse("status", () ->
                ReferralStatus.fromCode(status)), priority == null ? null : parse("priority", () ->
                Priority.fromCode(priority)), overdue, patient);
        return readModel.list(actor.organisation(), filter, page, size, sortParts[0],
                sortParts.length > 1 && sortParts[1].equals("asc"));
    }

    @GetMapping("/{id}")
    @Operation(summary = "The referral as it is now (to a recipient that forwarded it on: as it was when it did); "
            + "ETag is its version")
    ResponseEntity<ReferralView> get(@PathVariable String id, Actor actor) {
        Long endedAt = access(id, actor);
        ReferralView view = (endedAt == null ? readModel.find(id, actor.organisation())
                : asOf.atVersion(id, endedAt + 1)).orElseThrow(ReferralQueryController::notFound);
        return ResponseEntity.ok().eTag(Long.toString(view.version())).body(view);
    }

    @GetMapping("/{id}/timeline")
    @Operation(summary = "Every event of the referral: what, who, for which organisation, when, why (to a "
            + "recipient that forwarded it on: up to its forward)")
    List<ReferralReadModel.TimelineEntry> timeline(@PathVariable String id, Actor actor) {
        Long endedAt = access(id, actor);
        if (endedAt == null) {
            readModel.find(id, actor.organisation()).orElseThrow(ReferralQueryController::notFound);
            return readModel.timeline(id);
        }
        return readModel.timeline(id, endedAt);
    }

    @GetMapping("/{id}/parties")
    @Operation(summary = "Who takes and took part in the referral: the initiator, the current recipient and every "
            + "recipient that forwarded it on, with the instant and event sequence its part ended")
    List<ReferralParties.Party> parties(@PathVariable String id, Actor actor) {
        Long endedAt = access(id, actor);
        List<ReferralParties.Party> parties = readModel.parties(id).parties();
        if (endedAt == null) {
            return parties;
        }
        // A former recipient learns nothing written after it left, not even who the referral went to next.
        return parties.stream().filter(p -> p.sinceSequence() <= endedAt)
                .map(p -> p.untilSequence() != null && p.untilSequence() > endedAt ? new ReferralParties.Party(
                        p.organisation(), p.role(), p.sinceSequence(), p.since(), null, null) : p)
                .toList();
    }

    /**
     * The consent decision for reading referral {@code id} (AccessPolicy): null for everything as it is now, the
     * sequence of the caller's forward for a former recipient; a 404 for anyone else.
     */
    private Long access(String id, Actor actor) {
        ReferralParties parties = readModel.parties(id);
        AccessDecision decision = AccessPolicy.referralRead(parties.relationshipOf(actor.organisation()));
        if (!decision.allowed()) {
            throw notFound();
        }
        return decision.outcome() == AccessDecision.Outcome.AS_WHEN_LEFT ? parties.endedAt(actor.organisation()) : null;
    }

    /**
     * Answers the command side's read-after-write: waits (bounded) until the projection has reached the
     * version the command produced, so the writer sees its own write.
     */
    @QueryHandler
    ReferralView find(FindReferral query) throws InterruptedException {
        return ReadModels.awaitVersion(() -> readModel.find(query.referralId(), query.organisation()),
                ReferralView::version, query.minVersion(), readYourWritesTimeout).orElse(null);
    }

    private static ResponseStatusException notFound() {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "no such referral");
    }

    private static <T> T parse(String field, java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, field + ": " + e.getMessage());
        }
    }
}
