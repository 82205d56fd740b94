package dev.careloop.faults;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * After a scenario: every acknowledged write is in the log, in the referral view and timeline, in the audit
 * trail and at the partner; no request wrote twice; every processor has reached the head of the log and no
 * event waits in a dead-letter queue.
 */
final class Checker {

    /** What the checker found; {@code problems} names the first few, in words. */
    record Findings(int acknowledged, int referrals, int lostInLog, int lostInView, int lostInTimeline,
                    int lostInAudit, int lostAtPartner, int duplicates, int committedUnacknowledged,
                    int partnerRepeats, Map<String, Long> processorsBehind, Map<String, Long> deadLetters,
                    List<String> problems) {
        int lost() {
            return lostInLog + lostInView + lostInTimeline + lostInAudit + lostAtPartner;
        }
    }

    /** One event of the log, as the checker needs it. */
    record Event(String aggregateId, long sequence, String eventId, String type, String correlationId) {
    }

    private final Database database;
    private final Api api;
    private final PartnerEhr partner;

    Checker(Database database, Api api, PartnerEhr partner) {
        this.database = database;
        this.api = api;
        this.partner = partner;
    }

    Findings check(Collection<LoadDriver.Ack> acks, Collection<String> keys, Duration settle) throws Exception {
        List<String> problems = new ArrayList<>();
        Map<String, Long> behind = awaitProcessorsAtHead(settle);
        Map<String, Long> deadLetters = deadLetters();

        Set<String> referralIds = new HashSet<>();
        acks.forEach(ack -> referralIds.add(ack.referralId()));
        Map<String, List<Event>> log = eventsOf(referralIds);
        int lostInLog = 0;
        for (LoadDriver.Ack ack : acks) {
            List<Event> events = log.getOrDefault(ack.referralId(), List.of());
            Event written = events.stream().filter(e -> e.sequence() == ack.version() - 1).findFirst().orElse(null);
            if (written == null || !ack.key().equals(written.correlationId())) {
                lostInLog++;
                note(problems, "not in the log as acknowledged: " + ack + " (found " + written + ")");
            }
        }

        Map<String, Map<String, Long>> duplicates = duplicatesOf(keys);
        duplicates.forEach((key, types) -> note(problems, "request " + key + " wrote twice: " + types));
        Set<String> acknowledgedKeys = new HashSet<>();
        acks.forEach(ack -> acknowledgedKeys.add(ack.key()));
        Set<String> committedKeys = new HashSet<>();
        log.values().forEach(events -> events.forEach(e -> committedKeys.add(e.correlationId())));
        int committedUnacknowledged = (int) committedKeys.stream()
                .filter(k -> keys.contains(k) && !acknowledgedKeys.contains(k)).count();

        // The read models and the audit trail, through the API, for every referral an acknowledged write touched.
        Map<String, int[]> readModels = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> reads = new ArrayList<>();
            for (String id : referralIds) {
                List<Event> events = log.getOrDefault(id, List.of());
                reads.add(pool.submit(() -> {
                    readModels.put(id, readBack(id, events));
                    return null;
                }));
            }
            for (Future<?> read : reads) {
                read.get();
            }
        } finally {
            pool.shutdownNow();
        }
        int lostInView = 0;
        int lostInTimeline = 0;
        int lostInAudit = 0;
        for (LoadDriver.Ack ack : acks) {
            int[] seen = readModels.get(ack.referralId());
            if (seen[0] < ack.version()) {
                lostInView++;
                note(problems, "the referral view of " + ack.referralId() + " is at version " + seen[0]
                        + ", acknowledged " + ack.version());
            }
            if (seen[1] < ack.version()) {
                lostInTimeline++;
                note(problems, "the timeline of " + ack.referralId() + " has " + seen[1] + " entries, acknowledged "
                        + ack.version());
            }
            if (seen[2] < ack.version()) {
                lostInAudit++;
                note(problems, "the audit trail of " + ack.referralId() + " lacks events up to version "
                        + ack.version() + " (has the first " + seen[2] + ")");
            }
        }

        // The partner: every version of every Task, and the latest taken last.
        Map<String, List<Long>> taken = awaitPartner(log, settle);
        int lostAtPartner = 0;
        int repeats = 0;
        for (LoadDriver.Ack ack : acks) {
            if (!taken.getOrDefault(ack.referralId(), List.of()).contains(ack.version())) {
                lostAtPartner++;
                note(problems, "the partner never took Task/" + ack.referralId() + " version " + ack.version());
            }
        }
        for (String id : referralIds) {
            List<Long> versions = taken.getOrDefault(id, List.of());
            repeats += versions.size() - new HashSet<>(versions).size();
            long head = log.getOrDefault(id, List.of()).size();
            if (!versions.isEmpty() && versions.get(versions.size() - 1) != head) {
                note(problems, "the partner's last Task/" + id + " is version " + versions.get(versions.size() - 1)
                        + ", the log's is " + head + " (taken in this order: " + versions + ")");
                lostAtPartner++;
            }
        }

        // Reading the audit trail is itself an event: everything must still reach the head.
        Map<String, Long> behindAfter = awaitProcessorsAtHead(settle);
        behindAfter.forEach(behind::putIfAbsent);
        behind.forEach((processor, lag) -> note(problems, "processor " + processor + " is " + lag + " behind"));
        deadLetters.putAll(deadLetters());
        deadLetters.forEach((group, count) -> note(problems, count + " dead letters in " + group));
        return new Findings(acks.size(), referralIds.size(), lostInLog, lostInView, lostInTimeline, lostInAudit,
                lostAtPartner, duplicates.size(), committedUnacknowledged, repeats, behind, deadLetters, problems);
    }

    /** {view version, timeline entries, how many of the log's first events the audit trail has} of a referral. */
    private int[] readBack(String id, List<Event> events) throws IOException, InterruptedException {
        int[] seen = new int[3];
        Api.Reply view = api.get(Api.GP, "/api/referrals/" + id);
        seen[0] = view.status() == 200 ? (int) view.version() : -view.status();
        Api.Reply timeline = api.get(Api.GP, "/api/referrals/" + id + "/timeline");
        seen[1] = timeline.status() == 200 ? timeline.json().size() : -timeline.status();
        Api.Reply audit = api.get(Api.COMPLIANCE, "/api/audit?referral=" + id + "&size=500");
        if (audit.status() == 200) {
            Set<String> entries = new HashSet<>();
            for (JsonNode item : audit.json().path("items")) {
                entries.add(item.path("eventId").asText());
            }
            int present = 0;
            for (Event event : events) {
                if (!entries.contains(event.eventId())) {
                    break;
                }
                present++;
            }
            seen[2] = present;
        } else {
            seen[2] = -audit.status();
        }
        return seen;
    }

    /** Waits until the partner took the log's every version of these referrals' Tasks; false when it did not. */
    boolean awaitPartnerHasEverything(Set<String> referralIds, Duration settle)
            throws SQLException, InterruptedException {
        Map<String, List<Event>> log = eventsOf(referralIds);
        Map<String, List<Long>> taken = awaitPartner(log, settle);
        return log.entrySet().stream().allMatch(e -> new HashSet<>(taken.getOrDefault(e.getKey(), List.of()))
                .size() >= e.getValue().size());
    }

    private Map<String, List<Long>> awaitPartner(Map<String, List<Event>> log, Duration settle)
            throws InterruptedException {
        long deadline = System.nanoTime() + settle.toNanos();
        while (true) {
            Map<String, List<Long>> taken = partner.taskVersionsTaken();
            boolean complete = log.entrySet().stream().allMatch(e -> {
                List<Long> versions = taken.getOrDefault(e.getKey(), List.of());
                return !versions.isEmpty() && versions.get(versions.size() - 1) == e.getValue().size()
                        && new HashSet<>(versions).size() >= e.getValue().size();
            });
            if (complete || System.nanoTime() > deadline) {
                return taken;
            }
            Thread.sleep(500);
        }
    }

    /** Waits until every processor's every segment has reached the newest event; returns those that did not. */
    Map<String, Long> awaitProcessorsAtHead(Duration settle) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + settle.toNanos();
        while (true) {
            Map<String, Long> behind = processorsBehind();
            if (behind.isEmpty() && deadLetters().isEmpty() || System.nanoTime() > deadline) {
                return behind;
            }
            Thread.sleep(500);
        }
    }

    /** How far behind the head each lagging processor's slowest segment is. */
    Map<String, Long> processorsBehind() throws SQLException {
        Map<String, Long> behind = new TreeMap<>();
        try (Connection c = database.connect()) {
            long head;
            try (ResultSet rs = c.createStatement()
                    .executeQuery("SELECT coalesce(max(global_index), 0) FROM domain_event_entry")) {
                rs.next();
                head = rs.getLong(1);
            }
            try (ResultSet rs = c.createStatement().executeQuery(
                    "SELECT processor_name, segment, convert_from(token, 'UTF8') FROM token_entry")) {
                while (rs.next()) {
                    long position = position(rs.getString(3));
                    if (position < head) {
                        behind.merge(rs.getString(1) + "[" + rs.getInt(2) + "]", head - position, Math::max);
                    }
                }
            }
        }
        return behind;
    }

    /** The position a stored token has reached (a replay token: its current one); -1 when it has none. */
    static long position(String json) {
        if (json == null) {
            return -1;
        }
        try {
            JsonNode token = Api.JSON.readTree(json);
            while (token.has("currentToken")) {
                token = token.path("currentToken");
            }
            return token.has("index") ? token.path("index").asLong() : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** The segments ("processor[segment]") whose claim in token_entry names this node as its owner. */
    Set<String> segmentsOwnedBy(String node) throws SQLException {
        Set<String> segments = new java.util.TreeSet<>();
        try (Connection c = database.connect(); PreparedStatement query = c.prepareStatement(
                "SELECT processor_name, segment FROM token_entry WHERE owner = ?")) {
            query.setString(1, node);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    segments.add(rs.getString(1) + "[" + rs.getInt(2) + "]");
                }
            }
        }
        return segments;
    }

    Map<String, Long> deadLetters() throws SQLException {
        Map<String, Long> letters = new TreeMap<>();
        try (Connection c = database.connect(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT processing_group, count(*) FROM dead_letter_entry GROUP BY processing_group")) {
            while (rs.next()) {
                letters.put(rs.getString(1), rs.getLong(2));
            }
        }
        return letters;
    }

    /** The events of these aggregates, in sequence order, with the request (correlation id) that wrote each. */
    Map<String, List<Event>> eventsOf(Set<String> aggregateIds) throws SQLException {
        Map<String, List<Event>> events = new HashMap<>();
        try (Connection c = database.connect(); PreparedStatement query = c.prepareStatement(
                "SELECT aggregate_identifier, sequence_number, event_identifier, payload_type,"
                        + " convert_from(meta_data, 'UTF8')::jsonb ->> 'correlationId'"
                        + " FROM domain_event_entry WHERE aggregate_identifier = ANY(?)"
                        + " ORDER BY aggregate_identifier, sequence_number")) {
            query.setArray(1, c.createArrayOf("varchar", aggregateIds.toArray()));
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    events.computeIfAbsent(rs.getString(1), id -> new ArrayList<>()).add(new Event(rs.getString(1),
                            rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5)));
                }
            }
        }
        return events;
    }

    /** Requests of the load (by key) that appended the same type of event more than once. */
    Map<String, Map<String, Long>> duplicatesOf(Collection<String> keys) throws SQLException {
        Map<String, Map<String, Long>> duplicates = new TreeMap<>();
        try (Connection c = database.connect(); PreparedStatement query = c.prepareStatement(
                "SELECT e.correlation_id, e.payload_type, count(*) FROM (SELECT payload_type,"
                        + " convert_from(meta_data, 'UTF8')::jsonb ->> 'correlationId' AS correlation_id"
                        + " FROM domain_event_entry) e WHERE e.correlation_id = ANY(?)"
                        + " GROUP BY e.correlation_id, e.payload_type HAVING count(*) > 1")) {
            query.setArray(1, c.createArrayOf("varchar", keys.toArray()));
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    duplicates.computeIfAbsent(rs.getString(1), k -> new TreeMap<>())
                            .put(rs.getString(2), rs.getLong(3));
                }
            }
        }
        return duplicates;
    }

    private static void note(List<String> problems, String problem) {
        if (problems.size() < 25) {
            problems.add(problem);
        }
    }
}
