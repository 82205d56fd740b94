package dev.careloop.command.record;

import dev.careloop.api.Actor;
import dev.careloop.api.access.AccessLog;
import dev.careloop.api.access.ReadAccess;
import dev.careloop.api.PurposeOfUse;
import dev.careloop.api.record.DiscloseRecord;
import dev.careloop.api.record.RecordAccessDenied;
import dev.careloop.command.rules.Refusal;
import dev.careloop.command.rules.Rules;
import dev.careloop.command.web.Commands;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.gateway.EventGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.net.URI;
import java.time.Instant;

/**
 * The bytes of shared records: uploading content (before sharing or amending with it) and downloading a
 * record's content. A download is a disclosure: the record decides consent and records the disclosure
 * before the first byte is sent; a refused one is a 404 that says nothing, audited as RecordAccessDenied.
 */
@RestController
@RequestMapping("/api/records")
@Tag(name = "Shared records: content", description = "Upload content; download a record's content under consent")
class RecordContentController {

    /** The free-text justification of a break-the-glass read (with X-Purpose-Of-Use: ETREAT). */
    static final String BREAK_GLASS_HEADER = "X-Break-Glass-Reason";

    /** A disclosure that lost a race with another process's write to the record is decided again. */
    private static final int ATTEMPTS = 3;

    private final ContentStore contents;
    private final Commands commands;
    private final EventGateway events;
    private final RefusedReads refusedReads;
    private final AccessLog accessLog;

    RecordContentController(ContentStore contents, Commands commands, EventGateway events,
                            RefusedReads refusedReads, AccessLog accessLog) {
        this.contents = contents;
        this.commands = commands;
        this.events = events;
        this.refusedReads = refusedReads;
        this.accessLog = accessLog;
    }

    @PutMapping("/content/{sha256}")
    @Operation(summary = "Upload content (raw bytes, with Content-Type and Content-Length) under its SHA-256: "
            + "201 for your organisation's first upload of these bytes, 200 when it uploaded them before")
    ResponseEntity<Object> upload(@PathVariable String sha256, HttpServletRequest request, Actor actor)
            throws IOException {
        ContentStore.Stored stored = contents.store(actor.organisation(), sha256, request.getContentType(),
                request.getContentLengthLong(), request.getInputStream());
        return ResponseEntity.status(stored.created() ? 201 : 200)
                .location(URI.create("/api/records/content/" + stored.content().sha256()))
                .body(stored.content());
    }

    @GetMapping("/{id}/content")
    @Operation(summary = "Download the record's content (the current version, or ?version=n) while your "
            + "organisation's grant is active and allows your purpose of use (X-Purpose-Of-Use); a clinician of an "
            + "organisation with break-the-glass on may read outside consent with ETREAT and X-Break-Glass-Reason. "
            + "Every download is recorded as a disclosure")
    void download(@PathVariable String id, @RequestParam(required = false) @Min(1) Integer version,
                  @RequestHeader(name = BREAK_GLASS_HEADER, required = false) @Size(max = 4000) String breakGlassReason,
                  Actor actor, HttpServletResponse response) throws IOException {
        String justification = breakGlassReason == null || breakGlassReason.isBlank() ? null : breakGlassReason.strip();
        // Checked before the record is looked at: a missing justification says nothing about the record.
        Rules.require(!PurposeOfUse.EMERGENCY.equals(actor.purposeOfUse()) || justification != null,
                BREAK_GLASS_HEADER, "an emergency read (purpose of use ETREAT) needs a justification");
        Disclosure disclosure = disclose(new DiscloseRecord(id, version, actor.purposeOfUse(), Instant.now(),
                justification), actor);
        // RecordDisclosed is in the log already; the access log has every read, this one too, before a byte is sent.
        accessLog.record(ReadAccess.read(actor, ReadAccess.REST, "RecordContent", id, disclosure.patientId()));
        response.setStatus(200);
        response.setContentType(disclosure.content().mediaType());
        response.setContentLengthLong(disclosure.content().size());
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, DownloadName.contentDisposition(disclosure.title(),
                disclosure.version(), disclosure.content().mediaType()));
        response.setHeader("X-Record-Version", Integer.toString(disclosure.version()));
        response.setHeader(HttpHeaders.ETAG, "\"" + disclosure.content().sha256() + "\"");
        contents.copyTo(disclosure.content().sha256(), disclosure.content().size(), response.getOutputStream());
    }

    private Disclosure disclose(DiscloseRecord read, Actor actor) {
        for (int attempt = 1; ; attempt++) {
            try {
                return (Disclosure) commands.send(read, actor, null);
            } catch (AccessDenied denied) {
                audit(read, actor, denied.auditReason());
                throw denied;
            } catch (AggregateNotFoundException e) {
                audit(read, actor, "there is no such record");
                throw Refusal.notFound("record");
            } catch (ConcurrencyException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /**
     * Published on its own, outside the record: committed to the event store even though the read failed. Repeats
     * within a minute are counted, not appended again ({@link RefusedReads}).
     */
    private void audit(DiscloseRecord read, Actor actor, String reason) {
        accessLog.record(ReadAccess.refused(actor, ReadAccess.REST, "RecordContent", read.recordId(), reason));
        refusedReads.refused(actor.organisation(), actor.userId(), read.recordId(), reason, read.at(), () ->
                events.publish(GenericEventMessage.asEventMessage(new RecordAccessDenied(read.recordId(),
                                actor.organisation(), read.purposeOfUse(), read.version(), reason, read.at()))
                        .andMetaData(Commands.metaDataFor(actor))));
    }
}
