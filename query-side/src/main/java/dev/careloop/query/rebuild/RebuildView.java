package dev.careloop.query.rebuild;

import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

/** A rebuild as an administrator watches it. */
@Schema(description = "A rebuild of read models from the log, and its progress")
record RebuildView(
        String id,
        @Schema(description = "Processing groups rebuilt together") List<String> groups,
        @Schema(description = "Tables rebuilt (their shadow copies replace them at the switch)") List<String> tables,
        @Schema(description = "running | catching-up | switching | switched | failed") String state,
        @Schema(description = "Why it failed") String reason,
        @Schema(description = "Events of the log replayed so far (global index positions)") long eventsDone,
        @Schema(description = "Events in the log (up to its head)") long eventsTotal,
        @Schema(description = "Global index of the head of the log") long headPosition,
        @Schema(description = "Replay rate: of the initial replay once caught up, so far until then") Double eventsPerSecond,
        @Schema(description = "Estimated seconds until caught up") Long secondsLeft,
        @Schema(description = "Events replayed up to the head as it was at the start") Long replayedEvents,
        @Schema(description = "Seconds the replay up to that head took") Double replaySeconds,
        Instant requestedAt,
        Instant startedAt,
        Instant caughtUpAt,
        Instant switchedAt,
        int segments,
        int batchSize) {
}
