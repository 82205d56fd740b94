package dev.careloop.app.ledger;

import dev.careloop.api.Actor;
import dev.careloop.app.ledger.LogVerifier.Verification;
import dev.careloop.app.security.Roles;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import dev.careloop.query.audit.AuditTrail;
import dev.careloop.query.audit.ComplianceScope;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Verifying the log (compliance officers and administrators) and signing a checkpoint now (administrators). */
@RestController
@Tag(name = "Audit: the log's integrity", description = "Hash chain verification and signed checkpoints")
class LedgerController {

    private final Ledger ledger;
    private final ObjectProvider<AuditTrail> trail;

    LedgerController(Ledger ledger, ObjectProvider<AuditTrail> trail) {
        this.ledger = ledger;
        this.trail = trail;
    }

    @GetMapping("/api/audit/log/verify")
    @Operation(summary = "Recompute the log's hash chain and name the first event that no longer matches",
            description = "From the newest checkpoint signed by a trusted key (or the start with full=true), or a "
                    + "range of chain positions [from, to].")
    Map<String, Object> verify(Actor actor, @RequestParam(required = false) Long from,
                               @RequestParam(required = false) Long to,
                               @RequestParam(defaultValue = "false") boolean full) {
        requireRole(actor, Set.of(Actor.COMPLIANCE, Actor.ADMIN));
        if ((from != null && from < 1) || (to != null && to < 0) || (from != null && to != null && to < from)) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "from must be >= 1 and to >= from");
        }
        Verification verification = ledger.verify(from, to, full);
        AccessChainVerifier.Verification accessLog = ledger.verifyAccessLog();
        // A read through the audit API is itself in the trail (where this process runs the query side).
        trail.ifAvailable(t -> t.read(new ComplianceScope.Officer(actor, true), "verify-log",
                Map.of("from", String.valueOf(from), "to", String.valueOf(to), "full", String.valueOf(full)),
                verification.eventsChecked()));
        return withAccessLog(report(verification), accessLog);
    }

    /** The access log's chain beside the event log's: intact only when both are. */
    private static Map<String, Object> withAccessLog(Map<String, Object> body, AccessChainVerifier.Verification v) {
        body.put("intact", (Boolean) body.get("intact") && v.intact());
        Map<String, Object> accessLog = new LinkedHashMap<>();
        accessLog.put("intact", v.intact());
        accessLog.put("summary", v.summary());
        accessLog.put("entriesChecked", v.entriesChecked());
        accessLog.put("checkpointsMatched", v.checkpointsMatched());
        accessLog.put("firstBreak", v.firstBreak());
        accessLog.put("tookMillis", v.took().toMillis());
        body.put("accessLog", accessLog);
        return body;
    }

    @GetMapping("/api/audit/log/checkpoints")
    @Operation(summary = "The signed checkpoints of the log, newest first: position, when, which key, whether the "
            + "signature verifies with a key this process trusts and whether the chain still holds the signed link")
    List<Checkpoints.Reviewed> checkpoints(Actor actor, @RequestParam(defaultValue = "20") @Min(1) @Max(200)
            int limit) {
        requireRole(actor, Set.of(Actor.COMPLIANCE, Actor.ADMIN));
        return ledger.recentCheckpoints(limit);
    }

    @PostMapping("/api/admin/ledger/checkpoints")
    @Operation(summary = "Verify what is new since the last checkpoint and sign the chain's head now")
    Map<String, Object> checkpoint(Actor actor) {
        requireRole(actor, Set.of(Actor.ADMIN));
        Checkpoints.Result result = ledger.checkpoint();
        Map<String, Object> body = report(result.verification());
        result.written().ifPresent(c -> body.put("checkpoint", Map.of("position", c.position(),
                "signedAt", c.signedAt().toString(), "keyId", c.keyId())));
        AccessCheckpoints.Result access = ledger.checkpointAccessLog();
        Map<String, Object> accessLog = new LinkedHashMap<>();
        accessLog.put("intact", access.verification().intact());
        accessLog.put("summary", access.verification().summary());
        access.written().ifPresent(c -> accessLog.put("checkpoint", Map.of("position", c.position(),
                "signedAt", c.signedAt().toString(), "keyId", c.keyId())));
        body.put("accessLog", accessLog);
        body.put("intact", (Boolean) body.get("intact") && access.verification().intact());
        body.put("publicKey", ledger.publicKey());
        return body;
    }

    private static Map<String, Object> report(Verification v) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("intact", v.intact());
        body.put("summary", v.summary());
        body.put("anchor", v.anchor());
        body.put("fromPosition", v.fromPosition());
        body.put("verifiedUpToPosition", v.verifiedUpToPosition());
        body.put("verifiedUpToGlobalIndex", v.verifiedUpToGlobalIndex());
        body.put("eventsChecked", v.eventsChecked());
        // Committed within the chain window and not linked yet: not a break (older ones are).
        body.put("unchained", v.unchained());
        body.put("chainWindow", v.chainWindow().toString());
        body.put("tookMillis", v.took().toMillis());
        if (v.firstBreak() != null) {
            Map<String, Object> broken = new LinkedHashMap<>();
            broken.put("kind", v.firstBreak().kind());
            broken.put("position", v.firstBreak().position());
            broken.put("globalIndex", v.firstBreak().globalIndex());
            broken.put("detail", v.firstBreak().detail());
            body.put("firstBreak", broken);
        }
        return body;
    }

    private static void requireRole(Actor actor, Set<String> roles) {
        Roles.require(actor, roles, "only " + String.join(" or ", roles.stream().sorted().toList()) + " may do this");
    }
}
