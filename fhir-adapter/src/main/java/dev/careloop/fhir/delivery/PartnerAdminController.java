package dev.careloop.fhir.delivery;

import dev.careloop.api.Actor;
import dev.careloop.fhir.partner.Partner;
import dev.careloop.fhir.partner.PartnerAuth;
import dev.careloop.fhir.partner.PartnerRegistration;
import dev.careloop.fhir.partner.PartnerUrls;
import dev.careloop.fhir.partner.Partners;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Operations on partner EHRs: register, inspect delivery health, deactivate, and handle dead letters. */
@RestController
@RequestMapping("/api/admin/partners")
@Tag(name = "Admin: partner EHRs", description = "Partners that receive FHIR R4 changes, and their dead letters")
class PartnerAdminController {

    /** A partner as the admin API shows it: never its secrets. */
    record PartnerView(String id, String organisation, String baseUrl, String mode, List<String> resourceTypes,
                       AuthView auth, boolean active, Instant registeredAt, String processingGroup, Health health) {
    }

    record AuthView(String type, String tokenUrl, String clientId, String scope) {
    }

    /**
     * @param waiting      events of the log the partner's processor has not looked at yet
     * @param deadLettered changes that failed and wait for a retry (with the later changes of their referral)
     * @param backlog      waiting + dead-lettered
     */
    record Health(boolean running, long waiting, long deadLettered, long backlog, Instant lastSuccessAt,
                  String lastError, Instant lastErrorAt) {
    }

    private final Partners partners;
    private final PartnerProcessors processors;
    private final DeadLetters deadLetters;
    private final PartnerUrls urlPolicy;
    private final Clock clock = Clock.systemUTC();

    PartnerAdminController(Partners partners, PartnerProcessors processors, DeadLetters deadLetters,
                           PartnerUrls urlPolicy) {
        this.partners = partners;
        this.urlPolicy = urlPolicy;
        this.processors = processors;
        this.deadLetters = deadLetters;
    }

    @PostMapping
    @Operation(summary = "Register a partner EHR; it receives the changes made from now on (admin)")
    ResponseEntity<Object> register(@RequestBody PartnerRegistration body, Actor actor) {
        requireAdmin(actor);
        List<PartnerRegistration.FieldError> errors = new ArrayList<>(body.errors());
        errors.addAll(unreachable(body, errors));
        if (!errors.isEmpty()) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                    errors.size() + " field(s) are invalid");
            problem.setTitle("Invalid request");
            problem.setProperty("errors", errors.stream()
                    .map(e -> Map.of("field", e.field(), "message", e.message())).toList());
            return problem(problem);
        }
        Partner partner = body.toPartner(processors.head(), clock.instant());
        if (!partners.register(partner, actor.userId())) {
            return problem(ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
                    "a partner with id '" + partner.id() + "' is already registered"));
        }
        processors.start(partner);
        return ResponseEntity.created(URI.create("/api/admin/partners/" + partner.id())).body(view(partner));
    }

    @GetMapping
    @Operation(summary = "Every registered partner with its delivery health (admin)")
    List<PartnerView> list(Actor actor) {
        requireAdmin(actor);
        return partners.all().stream().map(this::view).toList();
    }

    @GetMapping("/{id}")
    @Operation(summary = "One partner with its delivery health: backlog, last success, last error (admin)")
    PartnerView get(@PathVariable String id, Actor actor) {
        requireAdmin(actor);
        return view(partner(id));
    }

    @PostMapping("/{id}/deactivate")
    @Operation(summary = "Stop delivering to a partner; what it has not received stays queued (admin)")
    PartnerView deactivate(@PathVariable String id, Actor actor) {
        requireAdmin(actor);
        partner(id);
        partners.deactivate(id);
        processors.stop(id);
        return view(partner(id));
    }

    @GetMapping("/{id}/dead-letters")
    @Operation(summary = "Changes the partner did not take, per referral in order, with why and the next retry (admin)")
    List<DeadLetters.Letter> deadLetters(@PathVariable String id, Actor actor) {
        requireAdmin(actor);
        partner(id);
        return deadLetters.list(id);
    }

    @PostMapping("/{id}/dead-letters/{letterId}/retry")
    @Operation(summary = "Retry now the referral's queue this dead letter is in, from its first letter (admin)")
    ResponseEntity<Object> retry(@PathVariable String id, @PathVariable String letterId, Actor actor) {
        requireAdmin(actor);
        partner(id);
        return switch (deadLetters.retry(id, letterId)) {
            case DELIVERED -> ResponseEntity.ok(Map.of("letterId", letterId, "outcome", "delivered"));
            case FAILED_AGAIN -> ResponseEntity.ok(Map.of("letterId", letterId, "outcome", "failed-again"));
            case NOT_FOUND -> notFound("no dead letter '" + letterId + "' for partner '" + id + "'");
            case NOT_RUNNING -> problem(ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
                    "partner '" + id + "' is not active: nothing is delivered to it"));
        };
    }

    @DeleteMapping("/{id}/dead-letters/{letterId}")
    @Operation(summary = "Drop a dead letter: the partner will never receive that change (admin)")
    ResponseEntity<Object> drop(@PathVariable String id, @PathVariable String letterId, Actor actor) {
        requireAdmin(actor);
        partner(id);
        if (!deadLetters.drop(id, letterId, actor.userId())) {
            return notFound("no dead letter '" + letterId + "' for partner '" + id + "'");
        }
        return ResponseEntity.noContent().build();
    }

    /** The URLs CareLoop may not call (https, allowed hosts, public addresses), once they are URLs at all. */
    private List<PartnerRegistration.FieldError> unreachable(PartnerRegistration body,
                                                            List<PartnerRegistration.FieldError> already) {
        List<PartnerRegistration.FieldError> errors = new ArrayList<>();
        Map<String, String> urls = new LinkedHashMap<>();
        urls.put("baseUrl", body.baseUrl());
        if (body.auth() != null && PartnerAuth.Type.OAUTH2.code().equals(body.auth().type())) {
            urls.put("auth.tokenUrl", body.auth().tokenUrl());
        }
        urls.forEach((field, url) -> {
            if (already.stream().noneMatch(e -> e.field().equals(field))) {
                urlPolicy.refusal(url).ifPresent(why -> errors.add(new PartnerRegistration.FieldError(field, why)));
            }
        });
        return errors;
    }

    private static void requireAdmin(Actor actor) {
        if (!actor.roles().contains(Actor.ADMIN)) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN, "only an administrator may manage partner EHRs");
        }
    }

    private Partner partner(String id) {
        return partners.find(id).orElseThrow(() ->
                new ResponseStatusException(HttpStatus.NOT_FOUND, "no partner '" + id + "'"));
    }

    private PartnerView view(Partner p) {
        PartnerAuth a = p.auth();
        Partners.LastOutcome outcome = partners.lastOutcome(p.id());
        boolean running = processors.delivery(p.id()).isPresent();
        long waiting = processors.waiting(p.id());
        long dead = deadLetters.count(p.id());
        return new PartnerView(p.id(), p.organisation(), p.baseUrl(), p.mode().code(),
                p.resourceTypes().stream().sorted().toList(),
                new AuthView(a.type().code(), a.tokenUrl(), a.clientId(), a.scope()), p.active(), p.registeredAt(),
                p.processingGroup(), new Health(running, waiting, dead, waiting + dead, outcome.lastSuccessAt(),
                outcome.lastError(), outcome.lastErrorAt()));
    }

    private static ResponseEntity<Object> notFound(String detail) {
        return problem(ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, detail));
    }

    private static ResponseEntity<Object> problem(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }
}
