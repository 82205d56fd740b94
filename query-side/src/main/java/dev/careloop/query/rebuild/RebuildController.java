package dev.careloop.query.rebuild;

import dev.careloop.api.Actor;
import dev.careloop.query.replay.ReadModelTables;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Rebuilding read models from the log, for administrators. */
@RestController
@Tag(name = "Administration: read model rebuilds",
        description = "Rebuild read models from the log while the current ones keep serving")
class RebuildController {

    private final ReadModelRebuilds rebuilds;

    RebuildController(ReadModelRebuilds rebuilds) {
        this.rebuilds = rebuilds;
    }

    @Schema(description = "Processing groups to rebuild; absent, empty or [\"all\"] for every rebuildable one")
    record RebuildRequest(List<String> groups) {
    }

    @PostMapping("/api/admin/rebuilds")
    @Operation(summary = "Start rebuilding read models from the log; they take over once caught up",
            responses = {
                    @ApiResponse(responseCode = "202", description = "Started; Location is where to watch it"),
                    @ApiResponse(responseCode = "400", description = "Unknown group, or a group that shares a table with one left out"),
                    @ApiResponse(responseCode = "403", description = "Not an administrator"),
                    @ApiResponse(responseCode = "409", description = "A rebuild is already running")})
    ResponseEntity<RebuildView> start(@RequestBody(required = false) RebuildRequest body, Actor actor) {
        requireAdmin(actor);
        try {
            RebuildView started = rebuilds.start(body == null ? null : body.groups());
            return ResponseEntity.accepted().location(URI.create("/api/admin/rebuilds/" + started.id())).body(started);
        } catch (ReadModelRebuilds.InvalidRequest e) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, e.getMessage());
        } catch (ReadModelRebuilds.AlreadyRunning e) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, e.getMessage());
        }
    }

    @GetMapping("/api/admin/rebuilds/{id}")
    @Operation(summary = "A rebuild's state and progress: events done and total, rate, estimated time left")
    RebuildView get(@PathVariable String id, Actor actor) {
        requireAdmin(actor);
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no rebuild " + id);
        }
        return rebuilds.find(uuid).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                "no rebuild " + id + " (rebuilds are remembered until the process restarts)"));
    }

    @GetMapping("/api/admin/rebuilds")
    @Operation(summary = "The rebuilds since this process started, newest first")
    List<RebuildView> list(Actor actor) {
        requireAdmin(actor);
        return rebuilds.all();
    }

    @GetMapping("/api/admin/read-models")
    @Operation(summary = "The processing groups that can be rebuilt, with the tables each writes")
    List<ReadModelTables> readModels(Actor actor) {
        requireAdmin(actor);
        return rebuilds.rebuildable();
    }

    private static void requireAdmin(Actor actor) {
        if (!actor.hasAnyRole(Set.of(Actor.ADMIN))) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN, "only administrators may rebuild read models");
        }
    }
}
