package dev.careloop.app.infra;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.metrics.buffering.StartupTimeline;
import org.springframework.context.ApplicationListener;
import org.springframework.core.metrics.StartupStep;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * With {@code CARELOOP_STARTUP_REPORT=true}: what the start spent its time on, from Spring's own startup steps
 * (bean instantiation, context refresh...), logged once the application is ready as the slowest steps by their own
 * time (children excluded). How docs/BENCHMARKS.md's "Start time" figures were found; off by default, as buffering
 * the steps costs memory.
 */
public final class StartupReport {

    private static final Logger log = LoggerFactory.getLogger(StartupReport.class);
    private static final int SHOWN = 20;

    private StartupReport() {
    }

    public static void installIfAsked(SpringApplication application) {
        if (!"true".equalsIgnoreCase(System.getenv("CARELOOP_STARTUP_REPORT"))
                && !Boolean.getBoolean("careloop.startup-report")) {
            return;
        }
        BufferingApplicationStartup startup = new BufferingApplicationStartup(50_000);
        application.setApplicationStartup(startup);
        application.addListeners((ApplicationListener<ApplicationReadyEvent>) ready -> report(startup.getBufferedTimeline()));
    }

    private static void report(StartupTimeline timeline) {
        List<StartupTimeline.TimelineEvent> events = timeline.getEvents();
        Map<Long, Duration> childTime = new HashMap<>();
        for (StartupTimeline.TimelineEvent event : events) {
            Long parent = event.getStartupStep().getParentId();
            if (parent != null) {
                childTime.merge(parent, event.getDuration(), Duration::plus);
            }
        }
        String slowest = events.stream()
                .map(event -> Map.entry(event, event.getDuration()
                        .minus(childTime.getOrDefault(event.getStartupStep().getId(), Duration.ZERO))))
                .sorted(Map.Entry.<StartupTimeline.TimelineEvent, Duration>comparingByValue(Comparator.reverseOrder()))
                .limit(SHOWN)
                .map(entry -> String.format("%6d ms  %s %s", entry.getValue().toMillis(),
                        entry.getKey().getStartupStep().getName(), tags(entry.getKey().getStartupStep())))
                .collect(Collectors.joining("\n"));
        log.info("Ready {} ms after the JVM started; the slowest start-up steps (own time):\n{}",
                ManagementFactory.getRuntimeMXBean().getUptime(), slowest);
    }

    private static String tags(StartupStep step) {
        return StreamSupport.stream(step.getTags().spliterator(), false)
                .map(tag -> tag.getKey() + "=" + tag.getValue())
                .collect(Collectors.joining(", "));
    }
}
