package dev.careloop.query.notification;

import dev.careloop.api.Actor;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** The caller's notifications (docs/API.md, "Notifications"): the list, the unread count, read marks and the live stream. */
@RestController
@RequestMapping("/api/notifications")
@Tag(name = "Notifications", description = "What changed in the caller's referrals, read marks and a live stream")
class NotificationController {

    static final int MAX_SIZE = 100;

    private final NotificationReadModel readModel;
    private final NotificationStream stream;

    NotificationController(NotificationReadModel readModel, NotificationStream stream) {
        this.readModel = readModel;
        this.stream = stream;
    }

    @GetMapping
    @Operation(summary = "The caller's notifications, newest first; unread=true leaves out those they have read")
    NotificationReadModel.Page list(Actor actor, @RequestParam(defaultValue = "false") boolean unread,
                                    @RequestParam(defaultValue = "0") int page,
                                    @RequestParam(defaultValue = "20") int size) {
        if (page < 0) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "page must be 0 or more");
        }
        if (size < 1 || size > MAX_SIZE) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "size must be between 1 and " + MAX_SIZE);
        }
        return readModel.page(actor, unread, page, size);
    }

    @GetMapping("/count")
    @Operation(summary = "How many of the caller's notifications they have not read")
    NotificationReadModel.Count count(Actor actor) {
        return new NotificationReadModel.Count(readModel.unread(actor));
    }

    @PostMapping("/{id}/read")
    @Operation(summary = "Marks one notification read for the caller; another person's or organisation's is a 404")
    ResponseEntity<Void> read(@PathVariable String id, Actor actor) {
        if (!readModel.markRead(actor, id)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no such notification");
        }
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/read-all")
    @Operation(summary = "Marks every notification the caller sees now as read")
    ResponseEntity<Void> readAll(Actor actor) {
        readModel.markAllRead(actor);
        return ResponseEntity.noContent().build();
    }

    @GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(summary = "Server-Sent Events: each new notification for the caller as event \"notification\", "
            + "a comment every 15 s")
    SseEmitter stream(Actor actor) {
        return stream.open(actor);
    }
}
