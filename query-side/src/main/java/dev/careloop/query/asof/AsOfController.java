package dev.careloop.query.asof;

import dev.careloop.api.Actor;
import dev.careloop.api.appointment.AppointmentView;
import dev.careloop.api.record.RecordView;
import dev.careloop.api.referral.ReferralView;
import dev.careloop.query.audit.AuditTrail;
import dev.careloop.query.audit.ComplianceScope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.axonframework.eventhandling.DomainEventMessage;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * Any referral, shared record or appointment as it was at a past instant, and what changed between two instants,
 * replayed from the event store through the projections (never read from the read models) for a compliance officer.
 * An aggregate the officer's organisation was never party to is a 404, as is one that did not exist yet; every
 * answer is audited.
 */
@RestController
@RequestMapping("/api/audit")
@Tag(name = "Audit")
class AsOfController {

    /** How an aggregate's history replays up to an instant, for one viewer (null: no bound). */
    private interface Replaying<V> {
        AsOf.State<V> apply(List<? extends DomainEventMessage<?>> history, Instant at, String viewer);
    }

    /** One aggregate family: what it is called, and how its history replays. */
    private record Family<V>(String name, Replaying<V> replay, ToLongFunction<V> version) {
    }

    private static final Family<ReferralView> REFERRAL = new Family<>("referral", AsOf::referral,
            ReferralView::version);
    private static final Family<RecordView> RECORD = new Family<>("record", AsOf::record, RecordView::version);

    /** One field whose value differs between two instants (null where the aggregate did not exist yet). */
    record Change(String field, JsonNode from, JsonNode to) {
    }

    /**
     * {@code clampedTo}: the instant the officer's organisation stopped being a party, when {@code to} is later (the
     * diff then ends there); null otherwise.
     */
    record Diff(String id, Instant from, Instant to, Long fromVersion, Long toVersion, List<Change> changes,
                Instant clampedTo) {
    }

    /** Added to an as-of answer that stops where the officer's organisation stopped being a party. */
    static final String CLAMPED_TO = "asOfClampedTo";

    private final EventHistory history;
    private final ComplianceScope scope;
    private final AuditTrail trail;
    private final ObjectMapper json;
    private final Family<AppointmentView> appointmentFamily;

    AsOfController(EventHistory history, ComplianceScope scope, AuditTrail trail, ObjectMapper json) {
        this.history = history;
        this.scope = scope;
        this.trail = trail;
        this.json = json;
        this.appointmentFamily = new Family<>("appointment", (events, at, viewer) -> AsOf.appointment(events, at, json),
                AppointmentView::version);
    }

    @GetMapping("/referrals/{id}")
    @Operation(summary = "The referral as it was at asOf (role compliance), folded from the event store; the same "
            + "shape as GET /api/referrals/{id}; ETag is its version then. An officer of a former recipient sees it at "
            + "most as it was when the referral was forwarded away, with asOfClampedTo naming that instant")
    ResponseEntity<?> referral(@PathVariable String id, @RequestParam @Parameter(description =
            "ISO-8601 instant") Instant asOf, Actor actor) {
        return asOf(REFERRAL, id, asOf, actor);
    }

    @GetMapping("/referrals/{id}/diff")
    @Operation(summary = "The fields of the referral that differ between two instants (role compliance)")
    Diff referralDiff(@PathVariable String id, @RequestParam Instant from, @RequestParam Instant to, Actor actor) {
        return diff(REFERRAL, id, from, to, actor);
    }

    @GetMapping("/records/{id}")
    @Operation(summary = "The shared record as its author saw it at asOf (role compliance): content version, "
            + "every recipient's grant as it stood then; folded from the event store. An officer of a recipient whose "
            + "access ended sees it at most as it was then, with asOfClampedTo naming that instant")
    ResponseEntity<?> record(@PathVariable String id, @RequestParam @Parameter(description =
            "ISO-8601 instant") Instant asOf, Actor actor) {
        return asOf(RECORD, id, asOf, actor);
    }

    @GetMapping("/records/{id}/diff")
    @Operation(summary = "The fields of the shared record that differ between two instants (role compliance)")
    Diff recordDiff(@PathVariable String id, @RequestParam Instant from, @RequestParam Instant to, Actor actor) {
        return diff(RECORD, id, from, to, actor);
    }

    @GetMapping("/appointments/{id}")
    @Operation(summary = "The appointment as it was at asOf (role compliance), folded from the event store")
    ResponseEntity<?> appointment(@PathVariable String id, @RequestParam @Parameter(description =
            "ISO-8601 instant") Instant asOf, Actor actor) {
        return asOf(appointmentFamily, id, asOf, actor);
    }

    @GetMapping("/appointments/{id}/diff")
    @Operation(summary = "The fields of the appointment that differ between two instants (role compliance)")
    Diff appointmentDiff(@PathVariable String id, @RequestParam Instant from, @RequestParam Instant to,
                         Actor actor) {
        return diff(appointmentFamily, id, from, to, actor);
    }

    /**
     * The view, or, when the officer's organisation had stopped being a party by {@code at}, the view as it was then
     * with {@value #CLAMPED_TO} naming that instant.
     */
    private <V> ResponseEntity<?> asOf(Family<V> family, String id, Instant at, Actor actor) {
        ComplianceScope.Officer officer = scope.of(actor);
        Map<String, Object> query = new LinkedHashMap<>();
        query.put(family.name(), id);
        query.put("asOf", at);
        AsOf.State<V> state = visible(family, id, at, officer, query, family.name() + "-as-of");
        if (state.view() == null) {
            trail.read(officer, family.name() + "-as-of", query, 0);
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "the " + family.name() + " did not exist yet at "
                    + at);
        }
        trail.read(officer, family.name() + "-as-of", query, 1);
        ResponseEntity.BodyBuilder ok = ResponseEntity.ok()
                .eTag(Long.toString(family.version().applyAsLong(state.view())));
        if (state.clampedTo() == null) {
            return ok.body(state.view());
        }
        ObjectNode clamped = json.valueToTree(state.view());
        clamped.put(CLAMPED_TO, state.clampedTo().toString());
        return ok.body(clamped);
    }

    private <V> Diff diff(Family<V> family, String id, Instant from, Instant to, Actor actor) {
        ComplianceScope.Officer officer = scope.of(actor);
        if (!from.isBefore(to)) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "from must be before to");
        }
        Map<String, Object> query = new LinkedHashMap<>();
        query.put(family.name(), id);
        query.put("from", from);
        query.put("to", to);
        String operation = family.name() + "-diff";
        List<? extends DomainEventMessage<?>> events = history.of(id);
        String viewer = viewer(officer);
        AsOf.State<V> before = family.replay().apply(events, from, viewer);
        AsOf.State<V> after = family.replay().apply(events, to, viewer);
        if (!after.everExisted() || !officer.covers(after.parties())) {
            trail.read(officer, operation, query, 0);
            throw notFound(family);
        }
        if (after.view() == null) {
            trail.read(officer, operation, query, 0);
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "the " + family.name() + " did not exist yet at "
                    + to);
        }
        List<Change> changes = changes(before.view(), after.view());
        trail.read(officer, operation, query, changes.size());
        return new Diff(id, from, to, before.view() == null ? null : family.version().applyAsLong(before.view()),
                family.version().applyAsLong(after.view()), changes, after.clampedTo());
    }

    /** The aggregate's state at {@code at}, or a 404 (audited) when the officer may not see it or it never was. */
    private <V> AsOf.State<V> visible(Family<V> family, String id, Instant at, ComplianceScope.Officer officer,
                                      Map<String, Object> query, String operation) {
        AsOf.State<V> state = family.replay().apply(history.of(id), at, viewer(officer));
        if (!state.everExisted() || !officer.covers(state.parties())) {
            trail.read(officer, operation, query, 0);
            throw notFound(family);
        }
        return state;
    }

    /** Whose part bounds what the officer sees: its organisation's, or nobody's for the platform's officers. */
    private static String viewer(ComplianceScope.Officer officer) {
        return officer.platformWide() ? null : officer.organisation();
    }

    /** Top-level fields in the order the view has them; a nested value (patient, grants) counts as one field. */
    private List<Change> changes(Object before, Object after) {
        JsonNode a = before == null ? json.createObjectNode() : json.valueToTree(before);
        JsonNode b = json.valueToTree(after);
        Set<String> fields = new LinkedHashSet<>(b.propertyNames());
        fields.addAll(a.propertyNames());
        List<Change> changes = new ArrayList<>();
        for (String field : fields) {
            JsonNode from = a.has(field) ? a.get(field) : NullNode.getInstance();
            JsonNode to = b.has(field) ? b.get(field) : NullNode.getInstance();
            if (!from.equals(to)) {
                changes.add(new Change(field, from, to));
            }
        }
        return changes;
    }

    private static ResponseStatusException notFound(Family<?> family) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "no such " + family.name());
    }
}
