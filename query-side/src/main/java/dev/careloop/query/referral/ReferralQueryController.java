package dev.careloop.query.referral;

import dev.careloop.query.AccessQueries;
import dev.careloop.query.ProjectionCommits;
import dev.careloop.query.asof.ReferralAsOf;
import dev.careloop.query.patient.PatientLookup;
import dev.careloop.api.Actor;
import dev.careloop.api.access.AccessDecision;
import dev.careloop.api.access.AccessLog;
import dev.careloop.api.access.AccessPolicy;
import dev.careloop.api.access.ReadAccess;
import dev.careloop.api.referral.FindReferral;
import dev.careloop.api.referral.Priority;
import dev.careloop.api.referral.ReferralStatus;
import dev.careloop.api.referral.ReferralView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.*;
import org.springframework.web.server.ResponseStatusException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The referral read API: inbox and outbox, the current view with its ETag, and the timeline. */
@RestController
@RequestMapping("/api/referrals")
@Tag(name = "Referrals: read", description = "Inbox, outbox, the referral and its timeline")
class ReferralQueryController {

    private final ReferralReadModel readModel;
    private final ReferralAsOf asOf;
    private final PatientLookup patients;
    private final AccessLog accessLog;
    private final ProjectionCommits commits;
    private final Duration readYourWritesTimeout;

    ReferralQueryController(ReferralReadModel readModel, ReferralAsOf asOf, PatientLookup patients,
                            AccessLog accessLog, ProjectionCommits commits,
                            @Value("${careloop.read-your-writes-timeout:PT5S}") Duration readYourWritesTimeout) {
        this.readModel = readModel;
        this.asOf = asOf;
        this.patients = patients;
        this.accessLog = accessLog;
        this.commits = commits;
        this.readYourWritesTimeout = readYourWritesTimeout;
    }

    /** The accepted status names, listed in every 400 of the list (a client learns them from its first mistake). */
    static final List<String> STATUS_NAMES = Arrays.stream(ReferralStatus.values()).map(ReferralStatus::code).toList();

    @GetMapping
    @Operation(summary = "List the referrals your organisation takes part in now: box=inbox (received), "
            + "outbox (sent) or all; filter by status (several: repeated or comma-separated), open (true: not "
            + "completed, cancelled or declined; unset: every status), priority, overdue, patient (platform id, MRN as system|value, or an MRN of your own "
            + "identifier system; a patient you may not see is a 404), partner (the "
            + "other organisation), assignedTo (me or a subject), q (patient name, MRN or referral number); "
            + "sort=field[,asc|desc] (due sorts soonest first unless desc; default updatedAt,desc)")
    ReferralReadModel.Page list(Actor actor, HttpServletRequest request,
                                @RequestParam(required = false) String box,
                                @RequestParam(required = false) List<String> status,
                                @RequestParam(required = false) String open,
                                @RequestParam(required = false) String priority,
                                @RequestParam(required = false) String overdue,
                                @RequestParam(required = false) String patient,
                                @RequestParam(required = false) String partner,
                                @RequestParam(required = false) String assignedTo,
                                @RequestParam(required = false) String q,
                                @RequestParam(required = false) String page,
                                @RequestParam(required = false) String size,
                                @RequestParam(required = false) String sort) {
        ListParameters p = new ListParameters();
        String boxName = p.oneOf("box", box, "inbox|outbox|all", "must be inbox, outbox or all");
        Set<ReferralStatus> statuses = p.statuses(status);
        Boolean onlyOpen = p.bool("open", open);
        Priority wanted = p.parse("priority", priority, Priority::fromCode);
        Boolean late = p.bool("overdue", overdue);
        List<String> words = p.search(q);
        int pageNumber = p.integer("page", page, 0, 0, Integer.MAX_VALUE / 200);
        int pageSize = p.integer("size", size, 20, 1, 200);
        String sortSpec = p.oneOf("sort", sort, "(" + String.join("|", ReferralReadModel.SORTABLE.keySet())
                + ")(,(asc|desc))?", "must be a field (" + String.join(", ", ReferralReadModel.SORTABLE.keySet()
                .stream().sorted().toList()) + ") with ,asc or ,desc");
        p.failIfAny();
        // The patient as people name them; one the organisation may not see is a 404, not an empty list.
        String patientId;
        try {
            patientId = patient == null || patient.isBlank() ? null : patients.resolve("patient", patient,
                    actor.organisation(), id -> patients.visibleTo(id, actor.organisation()));
        } catch (ErrorResponseException unknownPatient) {
            // Refused: the log keeps the query and why, the caller hears only "no such patient".
            accessLog.record(ReadAccess.refusedSearch(actor, ReadAccess.REST, "Referral", AccessQueries.of(request),
                    "no patient by this identifier that " + actor.organisation() + " takes part in"));
            throw unknownPatient;
        }
        String[] sortParts = (sortSpec == null ? "updatedAt,desc" : sortSpec).split(",");
        // Due dates sort soonest first unless asked otherwise; every other field newest (largest) first.
        boolean ascending = sortParts.length > 1 ? sortParts[1].equals("asc") : sortParts[0].equals("due");
        String assignee = assignedTo == null ? null : assignedTo.equals("me") ? actor.userId() : assignedTo;
        var filter = new ReferralReadModel.Filter(boxName, statuses, onlyOpen, wanted, late, patientId, partner,
                assignee, words);
        ReferralReadModel.Page found = readModel.list(actor, filter, pageNumber, pageSize, sortParts[0], ascending);
        accessLog.record(ReadAccess.search(actor, ReadAccess.REST, "Referral", AccessQueries.of(request),
                found.items().stream().map(ReferralView::referralId).toList(), patientId));
        return found;
    }

    @GetMapping("/counts")
    @Operation(summary = "How many referrals your inbox or outbox holds in each status, open and overdue")
    ReferralReadModel.Counts counts(Actor actor, @RequestParam(required = false) String box) {
        ListParameters p = new ListParameters();
        String boxName = p.oneOf("box", box == null ? "inbox" : box, "inbox|outbox", "must be inbox or outbox");
        p.failIfAny();
        return readModel.counts(actor.organisation(), boxName);
    }

    /** A 400 of the list: every parameter at fault, and the status names it accepts. */
    @ExceptionHandler(InvalidListRequest.class)
    ResponseEntity<ProblemDetail> invalidList(InvalidListRequest ex) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                ex.errors.size() + " parameter(s) are invalid");
        problem.setTitle("Invalid request");
        problem.setProperty("errors", ex.errors);
        problem.setProperty("acceptedStatuses", STATUS_NAMES);
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    static final class InvalidListRequest extends RuntimeException {
        final transient List<Map<String, String>> errors;

        InvalidListRequest(List<Map<String, String>> errors) {
            super(errors.toString(), null, false, false);
            this.errors = errors;
        }
    }

    /** The list's query parameters, read one by one; every one at fault is named before any answer. */
    private static final class ListParameters {
        private final List<Map<String, String>> errors = new ArrayList<>();

        String oneOf(String name, String value, String pattern, String message) {
            if (value != null && !value.matches(pattern)) {
                errors.add(Map.of("field", name, "message", message));
                return null;
            }
            return value;
        }

        Set<ReferralStatus> statuses(List<String> values) {
            Set<ReferralStatus> statuses = EnumSet.noneOf(ReferralStatus.class);
            if (values == null) {
                return statuses;
            }
            List<String> unknown = new ArrayList<>();
            for (String value : values) {
                for (String code : value.split(",")) {
                    if (code.isBlank()) {
                        continue;
                    }
                    try {
                        statuses.add(ReferralStatus.fromCode(code.trim()));
                    } catch (IllegalArgumentException e) {
                        unknown.add(code.trim());
                    }
                }
            }
            if (!unknown.isEmpty()) {
                errors.add(Map.of("field", "status", "message", "unknown status " + String.join(", ", unknown.stream()
                        .map(u -> "'" + u + "'").toList()) + "; accepted: " + String.join(", ", STATUS_NAMES)));
            }
            return statuses;
        }

        Boolean bool(String name, String value) {
            if (value == null) {
                return null;
            }
            if (!value.equals("true") && !value.equals("false")) {
                errors.add(Map.of("field", name, "message", "must be true or false"));
                return null;
            }
            return Boolean.valueOf(value);
        }

        int integer(String name, String value, int fallback, int min, int max) {
            if (value == null) {
                return fallback;
            }
            try {
                int n = Integer.parseInt(value);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // named below
            }
            errors.add(Map.of("field", name, "message", "must be a whole number from " + min + " to " + max));
            return fallback;
        }

        <T> T parse(String name, String value, java.util.function.Function<String, T> parser) {
            if (value == null) {
                return null;
            }
            try {
                return parser.apply(value);
            } catch (IllegalArgumentException e) {
                errors.add(Map.of("field", name, "message", e.getMessage()));
                return null;
            }
        }

        List<String> search(String q) {
            if (q == null || q.isBlank()) {
                return List.of();
            }
            List<String> words = ReferralSearchTokens.query(q);
            if (words.isEmpty() || words.stream().anyMatch(w -> w.length() < ReferralSearchTokens.MIN_LENGTH)) {
                errors.add(Map.of("field", "q", "message", "search words must have at least "
                        + ReferralSearchTokens.MIN_LENGTH + " letters or digits each"));
                return List.of();
            }
            return words;
        }

        void failIfAny() {
            if (!errors.isEmpty()) {
                throw new InvalidListRequest(List.copyOf(errors));
            }
        }
    }

    @GetMapping("/{id}")
    @Operation(summary = "The referral as it is now (to a recipient that forwarded it on: as it was when it did); "
            + "ETag is its version")
    ResponseEntity<ReferralView> get(@PathVariable String id, Actor actor) {
        Decision decided = access(id, actor, "Referral");
        // Authorised: the entry goes to the log now, and is committed while the referral is loaded.
        AccessLog.Recording entry = decided.patientId() == null ? null : accessLog.enqueue(
                ReadAccess.read(actor, ReadAccess.REST, "Referral", id, decided.patientId()));
        // A former recipient reads the referral as it left it, and can no longer act on it.
        ReferralView view = (decided.endedAt() == null ? readModel.find(id, actor)
                : asOf.atVersion(id, decided.endedAt() + 1)).orElseThrow(() -> refused(actor, "Referral", id,
                "no such referral"));
        answered(entry, ReadAccess.read(actor, ReadAccess.REST, "Referral", id, view.patient().patientId()));
        return ResponseEntity.ok().eTag(Long.toString(view.version())).body(view);
    }

    @GetMapping("/{id}/timeline")
    @Operation(summary = "Every event of the referral: what, who, for which organisation, when, why (to a "
            + "recipient that forwarded it on: up to its forward)")
    List<ReferralReadModel.TimelineEntry> timeline(@PathVariable String id, Actor actor) {
        Decision decided = access(id, actor, "ReferralTimeline");
        AccessLog.Recording entry = decided.patientId() == null ? null : accessLog.enqueue(
                ReadAccess.read(actor, ReadAccess.REST, "ReferralTimeline", id, decided.patientId()));
        if (decided.endedAt() == null) {
            ReferralView view = readModel.find(id, actor.organisation())
                    .orElseThrow(() -> refused(actor, "ReferralTimeline", id, "no such referral"));
            List<ReferralReadModel.TimelineEntry> timeline = readModel.timeline(id);
            answered(entry, ReadAccess.read(actor, ReadAccess.REST, "ReferralTimeline", id,
                    view.patient().patientId()));
            return timeline;
        }
        List<ReferralReadModel.TimelineEntry> timeline = readModel.timeline(id, decided.endedAt());
        answered(entry, ReadAccess.read(actor, ReadAccess.REST, "ReferralTimeline", id, readModel.patientId(id)));
        return timeline;
    }

    /**
     * Before a read answers: its entry, handed to the log at authorisation, committed; or, when the referral's patient
     * was not known then (no view yet), {@code late} recorded now.
     */
    private void answered(AccessLog.Recording entry, ReadAccess late) {
        if (entry != null) {
            entry.await();
        } else {
            accessLog.record(late);
        }
    }

    @GetMapping("/{id}/parties")
    @Operation(summary = "Who takes and took part in the referral: the initiator, the current recipient and every "
            + "recipient that forwarded it on, with the instant and event sequence its part ended")
    List<ReferralParties.Party> parties(@PathVariable String id, Actor actor) {
        Long endedAt = access(id, actor, "ReferralParties").endedAt();
        accessLog.record(ReadAccess.read(actor, ReadAccess.REST, "ReferralParties", id, readModel.patientId(id)));
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
     * The consent decision for reading referral {@code id} (AccessPolicy): {@code endedAt} null for everything as it
     * is now, the sequence of the caller's forward for a former recipient; a 404 for anyone else, accounted for as
     * refused with the policy's reason. With the referral's patient, for the access log.
     */
    private Decision access(String id, Actor actor, String resourceType) {
        ReferralParties parties = readModel.parties(id);
        AccessDecision decision = AccessPolicy.referralRead(parties.relationshipOf(actor.organisation()));
        if (!decision.allowed()) {
            throw refused(actor, resourceType, id, parties.parties().isEmpty() ? "no such referral"
                    : decision.reason());
        }
        return new Decision(decision.outcome() == AccessDecision.Outcome.AS_WHEN_LEFT
                ? parties.endedAt(actor.organisation()) : null, parties.patientId());
    }

    /** An allowed read of a referral: up to which event ({@code endedAt}, null: all of it), and whose it is. */
    private record Decision(Long endedAt, String patientId) {
    }

    /**
     * Answers the command side's read-after-write. Where the view was written in the command's own transaction
     * (ReferralInlineProjection) the first read finds the write's version and answers at once; otherwise it waits
     * (bounded, holding no connection) until the segment that projects this referral (sequenced per aggregate, Axon's
     * default) has committed the write's position, then reads once, so the writer sees its own write.
     */
    @QueryHandler
    ReferralView find(FindReferral query) throws InterruptedException {
        Optional<ReferralView> written = readModel.find(query.referralId(), query.actor());
        if (written.isPresent() && written.get().version() >= query.minVersion()) {
            return written.get();
        }
        return commits.readOnceHandled(ReferralViewProjection.GROUP, query.referralId(), query.position(),
                query.minVersion(), () -> readModel.find(query.referralId(), query.actor()),
                ReferralView::version, readYourWritesTimeout).orElse(null);
    }

    /** The 404 of a refused read, once the refusal is in the access log. */
    private ResponseStatusException refused(Actor actor, String resourceType, String id, String reason) {
        accessLog.record(ReadAccess.refused(actor, ReadAccess.REST, resourceType, id, reason));
        return notFound();
    }

    private static ResponseStatusException notFound() {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "no such referral");
    }
}
