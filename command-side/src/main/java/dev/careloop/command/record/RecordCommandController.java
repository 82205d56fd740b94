package dev.careloop.command.record;

import dev.careloop.api.Actor;
import dev.careloop.api.Patient;
import dev.careloop.api.PatientIds;
import dev.careloop.api.record.AmendRecord;
import dev.careloop.api.record.DocumentType;
import dev.careloop.api.record.FindRecord;
import dev.careloop.api.record.GrantRecordAccess;
import dev.careloop.api.record.RecordContent;
import dev.careloop.api.record.RecordView;
import dev.careloop.api.record.ReviewEmergencyAccess;
import dev.careloop.api.record.RevokeRecordAccess;
import dev.careloop.api.record.ShareRecord;
import dev.careloop.command.record.RecordRequests.AmendRecordRequest;
import dev.careloop.command.web.PatientRequest;
import dev.careloop.command.record.RecordRequests.GrantAccessRequest;
import dev.careloop.command.record.RecordRequests.RevokeAccessRequest;
import dev.careloop.command.record.RecordRequests.ReviewRequest;
import dev.careloop.command.record.RecordRequests.ShareRecordRequest;
import dev.careloop.command.web.Commands;
import dev.careloop.command.web.IdempotentWrites;
import dev.careloop.plumbing.IfMatch;
import dev.careloop.command.web.IdempotentWrites.Written;
import dev.careloop.command.web.Organisations;
import dev.careloop.command.web.WriteHeaders;
import dev.careloop.command.web.WriteResponses;
import dev.careloop.command.web.WriteResponses.ReadBack;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

/**
 * The shared-record write API: share (optionally attached to a referral), amend, revoke. Like the referral
 * API, every write takes If-Match and Idempotency-Key and answers with the record as the caller's read model
 * shows it once caught up. Content is uploaded first (PUT /api/records/content/{sha256}) and named by hash.
 */
@RestController
@RequestMapping("/api/records")
@Tag(name = "Shared records: write", description = "Share clinical documents under consent, amend them, revoke access")
class RecordCommandController {

    private static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final Commands commands;
    private final IdempotentWrites idempotency;
    private final Organisations organisations;
    private final ContentStore contents;
    private final WriteResponses responses;
    private final PatientIds patientIds;

    RecordCommandController(Commands commands, IdempotentWrites idempotency, Organisations organisations,
                            ContentStore contents, WriteResponses responses, PatientIds patientIds) {
        this.patientIds = patientIds;
        this.commands = commands;
        this.idempotency = idempotency;
        this.organisations = organisations;
        this.contents = contents;
        this.responses = responses;
    }

    @PostMapping
    @Operation(summary = "Share a record with other organisations for a purpose until a date; with referralId it is "
            + "attached to that referral and its other party gets access too")
    ResponseEntity<Object> share(@Valid @RequestBody ShareRecordRequest body, Actor actor,
                                 @RequestHeader(value = IDEMPOTENCY_KEY, required = false) String key) {
        Set<String> recipients = new LinkedHashSet<>(body.recipients());
        recipients.forEach(org -> organisations.requireKnown("recipients", org));
        organisations.requireOwnIdentifierSystem(actor, body.patient());
        RecordContent content = contents.requireUploadedBy("contentSha256", actor.organisation(),
                body.contentSha256());
        Written written = idempotency.run(actor, key, "share|" + body, () -> {
            String id = UUID.randomUUID().toString();
            commands.sendForVersion(new ShareRecord(id, blankToNull(body.referralId()), patient(body.patient()),
                    recipients, new DocumentType(body.documentType().code(), body.documentType().display()),
                    body.title(), body.description(), content, body.purpose(), body.validUntil(), body.purposes() == null
                            ? null : Set.copyOf(body.purposes())), actor, null);
            return new Written(201, id, 1, null, false);
        });
        return respond(written, actor, key);
    }

    @PostMapping("/{id}/amend")
    @Operation(summary = "Replace the document with a new version; earlier versions stay readable (author)")
    ResponseEntity<Object> amend(@PathVariable String id, @Valid @RequestBody AmendRecordRequest body, Actor actor,
                                 WriteHeaders headers) {
        IfMatch.require(headers.ifMatch());
        RecordContent content = contents.requireUploadedBy("contentSha256", actor.organisation(),
                body.contentSha256());
        return act(id, new AmendRecord(id, content, body.title(), body.description(), body.reason()), actor,
                headers);
    }

    @PostMapping("/{id}/grant")
    @Operation(summary = "Share the record with one more organisation, on the share's purposes and until its expiry "
            + "(author)")
    ResponseEntity<Object> grant(@PathVariable String id, @Valid @RequestBody GrantAccessRequest body, Actor actor,
                                 WriteHeaders headers) {
        organisations.requireKnown("organisation", body.organisation());
        return act(id, new GrantRecordAccess(id, body.organisation(), body.reason()), actor, headers);
    }

    @PostMapping("/{id}/revoke")
    @Operation(summary = "Withdraw one organisation's access to the record (author)")
    ResponseEntity<Object> revoke(@PathVariable String id, @Valid @RequestBody RevokeAccessRequest body,
                                  Actor actor, WriteHeaders headers) {
        return act(id, new RevokeRecordAccess(id, body.organisation(), body.reason()), actor, headers);
    }

    @PostMapping("/{id}/emergency-access/{accessId}/review")
    @Operation(summary = "Mark a break-the-glass read of your organisation's record reviewed, with a note "
            + "(compliance officer of the organisation that shared it)")
    ResponseEntity<Object> reviewEmergencyAccess(@PathVariable String id, @PathVariable @Size(max = 64) String accessId,
                                                 @Valid @RequestBody ReviewRequest body, Actor actor,
                                                 @RequestHeader(value = IDEMPOTENCY_KEY, required = false)
                                                 String key) {
        return act(id, new ReviewEmergencyAccess(id, accessId, body.note()), actor, new WriteHeaders(null, key));
    }

    private ResponseEntity<Object> act(String id, Object command, Actor actor, WriteHeaders headers) {
        String key = headers.idempotencyKey();
        return respond(idempotency.act(id, headers.ifMatch(), command, actor, key), actor, key);
    }

    private ResponseEntity<Object> respond(Written written, Actor actor, String key) {
        return responses.respond(written, actor, key, new ReadBack<>("/api/records", "recordId",
                position -> new FindRecord(written.id(), actor.organisation(), written.version(), position), RecordView.class,
                RecordView::version));
    }

    private Patient patient(PatientRequest p) {
        return p == null ? null : p.toPatient(patientIds);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
