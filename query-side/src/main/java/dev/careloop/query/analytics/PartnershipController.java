package dev.careloop.query.analytics;

import dev.careloop.api.Actor;
import dev.careloop.api.partnership.FindPartnershipGoal;
import dev.careloop.api.partnership.PartnershipGoalView;
import dev.careloop.query.ProjectionCommits;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.beans.factory.annotation.Value;
import dev.careloop.api.referral.Priority;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import java.time.Clock;
import java.time.Duration;
import java.time.DateTimeException;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Partnership analytics (docs/ANALYTICS.md): the partnerships the caller's organisation is part of, one partnership
 * by month and service (JSON or CSV), and its open loops. A partner the organisation never exchanged a referral with,
 * or the organisation itself, is a 404.
 */
@RestController
@RequestMapping("/api/partnerships")
@Tag(name = "Partnerships", description = "Referral partnerships measured: volume, reciprocity, turnaround, loop closure")
class PartnershipController {

    static final int DEFAULT_TARGET_DAYS = 30;
    static final int MAX_SIZE = 100;
    static final String CSV = "text/csv";
    static final String NETWORK = "network";

    private final PartnershipReadModel readModel;
    private final Clock clock;
    private final ProjectionCommits commits;
    private final Duration readYourWritesTimeout;
    private final String platformOrganisation;

    @Autowired
    PartnershipController(PartnershipReadModel readModel, ProjectionCommits commits,
                          @Value("${careloop.read-your-writes-timeout:PT5S}") Duration readYourWritesTimeout,
                          @Value("${careloop.audit.platform-organisation:careloop}") String platformOrganisation) {
        this(readModel, Clock.systemUTC(), commits, readYourWritesTimeout, platformOrganisation);
    }

    PartnershipController(PartnershipReadModel readModel, Clock clock, ProjectionCommits commits,
                          Duration readYourWritesTimeout, String platformOrganisation) {
        this.readModel = readModel;
        this.clock = clock;
        this.commits = commits;
        this.readYourWritesTimeout = readYourWritesTimeout;
        this.platformOrganisation = platformOrganisation;
    }

    /**
     * The network view is the platform's: an administrator of the platform's own organisation
     * ({@code careloop.audit.platform-organisation}). Anyone else asking for it is refused (403).
     */
    private void requireNetworkLead(Actor actor) {
        if (!actor.actsFor(platformOrganisation) || !actor.roles().contains(Actor.ADMIN)) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN,
                    "the network view is for administrators of the platform's own organisation");
        }
    }

    private static boolean network(String scope) {
        if (scope == null || scope.isBlank() || scope.equals("organisation")) {
            return false;
        }
        if (scope.equals(NETWORK)) {
            return true;
        }
        throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "scope must be organisation or network");
    }

    @GetMapping
    @Operation(summary = "The caller's organisation's partnerships over months from..to (UTC, by month sent; "
            + "default the last 12): referrals each way, balance, reciprocity, loop closure, turnarounds; with "
            + "scope=network (platform administrators), every partnership of the network")
    Object list(Actor actor,
                @Parameter(description = "first month, yyyy-MM") @RequestParam(required = false) String from,
                @Parameter(description = "last month, yyyy-MM") @RequestParam(required = false) String to,
                @Parameter(description = "loop closure target in days (1-365)")
                @RequestParam(defaultValue = "" + DEFAULT_TARGET_DAYS) int targetDays,
                @Parameter(description = "organisation (default) or network (platform administrators)")
                @RequestParam(required = false) String scope) {
        YearMonth last = month("to", to, YearMonth.now(clock.withZone(ZoneOffset.UTC)));
        YearMonth first = month("from", from, last.minusMonths(11));
        if (network(scope)) {
            requireNetworkLead(actor);
            return readModel.network(period(first, last), last, target(targetDays));
        }
        return readModel.overview(actor.organisation(), period(first, last), last, target(targetDays));
    }

    @GetMapping(path = "/{partner}", produces = {MediaType.APPLICATION_JSON_VALUE, CSV})
    @Operation(summary = "One partnership by month and by service, each way; with Accept: text/csv, one CSV line "
            + "per direction, service, priority and month; service and priority count only those referrals")
    ResponseEntity<?> detail(Actor actor, @PathVariable String partner,
                             @Parameter(description = "first month, yyyy-MM") @RequestParam(required = false) String from,
                             @Parameter(description = "last month, yyyy-MM") @RequestParam(required = false) String to,
                             @Parameter(description = "loop closure target in days (1-365)")
                             @RequestParam(defaultValue = "" + DEFAULT_TARGET_DAYS) int targetDays,
                             @Parameter(description = "only referrals for this service (its code)")
                             @RequestParam(required = false) String service,
                             @Parameter(description = "only referrals of this priority: routine, urgent, asap or stat")
                             @RequestParam(required = false) String priority,
                             @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept,
                             @Parameter(description = "network: a platform administrator reads any partnership, "
                                     + "seen from the organisation named by organisation")
                             @RequestParam(required = false) String scope,
                             @RequestParam(required = false) String organisation) {
        String viewer = actor.organisation();
        if (network(scope)) {
            requireNetworkLead(actor);
            if (organisation == null || organisation.isBlank()) {
                throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
                        "with scope=network, name the organisation the partnership is seen from (organisation=)");
            }
            viewer = organisation;
        }
        YearMonth last = month("to", to, YearMonth.now(clock.withZone(ZoneOffset.UTC)));
        YearMonth first = month("from", from, last.minusMonths(11));
        int target = target(targetDays);
        period(first, last);
        PartnershipReadModel.Slice slice = slice(service, priority);
        if (wantsCsv(accept)) {
            List<PartnershipReadModel.Line> rows = readModel.rows(viewer, partner, first, last, slice);
            if (rows == null) {
                throw noSuchPartnership();
            }
            return ResponseEntity.ok()
                    .contentType(MediaType.parseMediaType(CSV + ";charset=UTF-8"))
                    .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"partnership-"
                            + PartnershipCsv.fileName(partner) + "-" + first + "-" + last + ".csv\"")
                    .body(PartnershipCsv.of(rows, target));
        }
        PartnershipReadModel.Detail detail = readModel.detail(viewer, partner, first, last, target, slice);
        if (detail == null) {
            throw noSuchPartnership();
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(detail);
    }

    /** CSV only when the client prefers it by name (text/csv or text/*); anything else, and * / *, is JSON. */
    static boolean wantsCsv(String accept) {
        if (accept == null || accept.isBlank()) {
            return false;
        }
        List<MediaType> types;
        try {
            types = new java.util.ArrayList<>(MediaType.parseMediaTypes(accept));
        } catch (IllegalArgumentException e) {
            return false;
        }
        types.sort(java.util.Comparator.comparingDouble(MediaType::getQualityValue).reversed());
        for (MediaType type : types) {
            if (type.isWildcardType()) {
                return false;
            }
            if (type.isCompatibleWith(MediaType.parseMediaType(CSV))) {
                return true;
            }
            if (type.isCompatibleWith(MediaType.APPLICATION_JSON)) {
                return false;
            }
        }
        return false;
    }

    @GetMapping("/{partner}/open-loops")
    @Operation(summary = "Referrals between the two organisations, either way, sent more than targetDays ago whose "
            + "loop is still open (not acknowledged, declined or cancelled), oldest first, each linking to its referral")
    PartnershipReadModel.OpenLoops openLoops(Actor actor, @PathVariable String partner,
                                             @Parameter(description = "loop closure target in days (1-365)")
                                             @RequestParam(defaultValue = "" + DEFAULT_TARGET_DAYS) int targetDays,
                                             @RequestParam(defaultValue = "0") int page,
                                             @RequestParam(defaultValue = "20") int size) {
        if (page < 0) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "page must be 0 or more");
        }
        if (size < 1 || size > MAX_SIZE) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "size must be between 1 and " + MAX_SIZE);
        }
        PartnershipReadModel.OpenLoops loops = readModel.openLoops(actor.organisation(), partner,
                target(targetDays), clock.instant(), page, size);
        if (loops == null) {
            throw noSuchPartnership();
        }
        return loops;
    }

    @GetMapping("/{partner}/goals")
    @Operation(summary = "The partnership's goals, set by either organisation, active and withdrawn, oldest first: "
            + "each with who set it, when and why (direction as the caller sees it)")
    List<PartnershipGoalView> goals(Actor actor, @PathVariable String partner) {
        List<PartnershipGoalView> goals = readModel.goals(actor.organisation(), partner);
        if (goals == null) {
            throw noSuchPartnership();
        }
        return goals;
    }

    @GetMapping("/{partner}/goals/{goalId}")
    @Operation(summary = "One goal of the partnership")
    PartnershipGoalView goal(Actor actor, @PathVariable String partner, @PathVariable String goalId) {
        return readModel.goal(goalId, actor.organisation())
                .filter(g -> g.partner().equals(partner))
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no such goal"));
    }

    /** The command side's read-after-write of a goal: once the analytics group has handled the write. */
    @QueryHandler
    PartnershipGoalView find(FindPartnershipGoal query) throws InterruptedException {
        return commits.readOnceHandled(AnalyticsProjection.GROUP, query.goalId(), query.position(),
                query.minVersion(), () -> readModel.goal(query.goalId(), query.organisation()),
                PartnershipGoalView::version, readYourWritesTimeout).orElse(null);
    }

    /** Blank is all; a priority is one of the four codes, in any case. */
    static PartnershipReadModel.Slice slice(String service, String priority) {
        String code = null;
        if (priority != null && !priority.isBlank()) {
            try {
                code = Priority.fromCode(priority.strip()).code();
            } catch (IllegalArgumentException e) {
                throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
                        "priority must be one of routine, urgent, asap, stat");
            }
        }
        return new PartnershipReadModel.Slice(service == null || service.isBlank() ? null : service.strip(), code);
    }

    private static ResponseStatusException noSuchPartnership() {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "no such partnership");
    }

    private static YearMonth month(String name, String value, YearMonth otherwise) {
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        try {
            return YearMonth.parse(value.strip());
        } catch (DateTimeException e) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, name + " must be a month as yyyy-MM");
        }
    }

    private static YearMonth period(YearMonth from, YearMonth to) {
        if (from.isAfter(to)) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "from must not be after to");
        }
        if (from.plusMonths(120).isBefore(to)) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "a period is at most 10 years");
        }
        return from;
    }

    private static int target(int days) {
        if (days < 1 || days > 365) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "targetDays must be between 1 and 365");
        }
        return days;
    }
}
