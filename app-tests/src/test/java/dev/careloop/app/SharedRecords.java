package dev.careloop.app;

import org.springframework.jdbc.core.JdbcTemplate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** What the shared-record tests do over and over: make content, upload it, share it, look into the log. */
final class SharedRecords {

    static final String GP = DemoClinics.GP;
    static final String DERM = DemoClinics.DERM;
    static final String CARDIO = DemoClinics.CARDIO;

    private SharedRecords() {
    }

    /** Content no other test has: a small text document. */
    static byte[] uniqueDocument(String what) {
        return ("# " + what + "\n\nFindings " + UUID.randomUUID() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Uploads {@code bytes} as text/markdown and answers their hash. */
    static String upload(CareLoopClient client, byte[] bytes) {
        String sha = sha256(bytes);
        CareLoopClient.Response put = client.put("/api/records/content/" + sha, bytes, "text/markdown");
        assertThat(put.status()).as(put.body()).isIn(200, 201);
        return sha;
    }

    /** A share body for a record about a northside-gp patient. */
    static Map<String, Object> share(String contentSha256, List<String> recipients, Instant validUntil) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("patient", Map.of("identifierSystem", "https://northside-gp.example/mrn",
                "identifierValue", "REC-" + UUID.randomUUID().toString().substring(0, 8), "name", "Alex Morgan",
                "birthDate", "1980-04-02"));
        body.put("recipients", recipients);
        body.put("documentType", Map.of("code", "18842-5", "display", "Discharge summary"));
        body.put("title", "Discharge summary " + UUID.randomUUID().toString().substring(0, 6));
        body.put("contentSha256", contentSha256);
        body.put("purpose", "TREAT");
        body.put("validUntil", validUntil.toString());
        return body;
    }

    /** Shares and answers the new record's id. */
    static String shareRecord(CareLoopClient author, Map<String, Object> body) {
        CareLoopClient.Response shared = author.post("/api/records", body);
        assertThat(shared.status()).as(shared.body()).isEqualTo(201);
        return shared.json().get("recordId").asString();
    }

    static Instant inDays(int days) {
        return Instant.now().plus(Duration.ofDays(days));
    }

    /** One row of the event_log view. */
    record LoggedEvent(long globalIndex, String aggregateId, long sequence, String payloadType, String aggregateType,
                       Map<String, Object> payload, Map<String, Object> metaData) {
        String payloadText(String field) {
            Object value = payload.get(field);
            return value == null ? null : value.toString();
        }

        String meta(String field) {
            Object value = metaData.get(field);
            return value == null ? null : value.toString();
        }
    }

    /** Events of one type about one record, in log order (denials are not the record's own events). */
    static List<LoggedEvent> events(JdbcTemplate jdbc, String simpleType, String recordId) {
        List<LoggedEvent> events = new ArrayList<>();
        jdbc.query("""
                SELECT global_index, aggregate_identifier, sequence_number, payload_type, aggregate_type,
                       payload::text AS payload, meta_data::text AS meta_data
                FROM event_log WHERE payload_type = ? AND payload->>'recordId' = ? ORDER BY global_index""",
                rs -> {
                    events.add(new LoggedEvent(rs.getLong("global_index"), rs.getString("aggregate_identifier"),
                            rs.getLong("sequence_number"), rs.getString("payload_type"),
                            rs.getString("aggregate_type"), json(rs.getString("payload")),
                            json(rs.getString("meta_data"))));
                }, "dev.careloop.api.record." + simpleType, recordId);
        return events;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String text) {
        return new tools.jackson.databind.ObjectMapper().readValue(text, Map.class);
    }

    /** Polls every 50 ms until {@code condition} holds or {@code within} has passed. */
    static void await(Duration within, BooleanSupplier condition, String what) {
        Await.until(within, condition, what);
    }
}
