package dev.careloop.app;

import dev.careloop.command.record.ContentStore;
import dev.careloop.command.rules.Rules;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import static dev.careloop.app.SharedRecords.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Uploading content: streamed into PostgreSQL while hashed, checked against its claimed hash and length in
 * the same transaction (a mismatch leaves no row), limited in size and media type, idempotent.
 */
@CareLoopIntegrationTest
class RecordContentUploadTest {

    private static final int TWENTY_MB = 20 * 1024 * 1024;

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ContentStore contents;

    private CareLoopClient gp;

    @BeforeEach
    void client() {
        gp = DemoClinics.at(port).gp();
    }

    @Test
    void firstUploadCreatesTheContentAndTheSameUploadAgainChangesNothing() {
        byte[] report = uniqueDocument("Lab report");
        String sha = sha256(report);

        var first = gp.put("/api/records/content/" + sha, report, "text/markdown");
        var again = gp.put("/api/records/content/" + sha, report, "text/markdown");

        assertThat(first.status()).isEqualTo(201);
        assertThat(first.header("Location")).isEqualTo("/api/records/content/" + sha);
        assertThat(first.json().get("size").asLong()).isEqualTo(report.length);
        assertThat(first.json().get("mediaType").asString()).isEqualTo("text/markdown");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json()).isEqualTo(first.json());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM record_content WHERE sha256 = ?", Long.class, sha))
                .isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT organisation FROM record_content_upload WHERE sha256 = ?", String.class,
                sha)).containsExactly(GP);
    }

    @Test
    void anotherOrganisationsUploadOfTheSameBytesIsNewContentForThisOneAndNeverAConflict() {
        CareLoopClient derm = DemoClinics.at(port).derm();
        CareLoopClient cardio = DemoClinics.at(port).cardio();
        byte[] letter = uniqueDocument("Referral letter");
        String path = "/api/records/content/" + sha256(letter);
        assertThat(gp.put(path, letter, "text/markdown").status()).isEqualTo(201);

        var dermFirst = derm.put(path, letter, "text/plain");
        var dermAgain = derm.put(path, letter, "text/plain");
        var dermAsAnotherType = derm.put(path, letter, "text/markdown");
        var cardioFirst = cardio.put(path, letter, "text/markdown");

        assertThat(dermFirst.status()).as("as for bytes nobody stored").isEqualTo(201);
        assertThat(dermFirst.json().get("mediaType").asString()).isEqualTo("text/plain");
        assertThat(dermAgain.status()).isEqualTo(200);
        assertThat(dermAsAnotherType.status()).as("only about its own upload").isEqualTo(409);
        assertThat(dermAsAnotherType.body()).contains("text/plain").doesNotContain(GP);
        assertThat(cardioFirst.status()).isEqualTo(201);
        assertThat(contents.uploadedBy(DERM, sha256(letter)).orElseThrow().mediaType()).isEqualTo("text/plain");
        assertThat(contents.uploadedBy(GP, sha256(letter)).orElseThrow().mediaType()).isEqualTo("text/markdown");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM record_content WHERE sha256 = ?", Long.class,
                sha256(letter))).as("the bytes are stored once").isEqualTo(1);
    }

    @Test
    void contentWhoseHashIsNotTheOneClaimedIsRefusedAndLeavesNoRow() {
        byte[] claimed = uniqueDocument("Claimed");
        byte[] sent = uniqueDocument("Actually sent");

        var refused = gp.put("/api/records/content/" + sha256(claimed), sent, "text/markdown");

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("sha256");
        assertThat(rows(sha256(claimed))).isZero();
        assertThat(rows(sha256(sent))).isZero();
    }

    @Test
    void contentShorterThanAnnouncedIsRefusedAndLeavesNoRow() {
        byte[] bytes = uniqueDocument("Truncated");
        String sha = sha256(bytes);

        assertThatThrownBy(() -> contents.store(GP, sha, "text/plain", bytes.length + 100L,
                new ByteArrayInputStream(bytes)))
                .isInstanceOfSatisfying(Rules.InvalidField.class,
                        e -> assertThat(e.field()).isEqualTo("Content-Length"));
        assertThat(rows(sha)).isZero();
    }

    @Test
    void contentLongerThanAnnouncedIsRefusedAndLeavesNoRow() {
        byte[] bytes = uniqueDocument("Too long");
        String shaOfPrefix = sha256(java.util.Arrays.copyOf(bytes, bytes.length - 5));

        assertThatThrownBy(() -> contents.store(GP, shaOfPrefix, "text/plain", bytes.length - 5L,
                new ByteArrayInputStream(bytes)))
                .isInstanceOfSatisfying(Rules.InvalidField.class,
                        e -> assertThat(e.field()).isEqualTo("Content-Length"));
        assertThat(rows(shaOfPrefix)).isZero();
    }

    @Test
    void mediaTypeOutsideTheAllowedListIsRefusedAsUnsupported() {
        byte[] page = "<html><script>alert(1)</script></html>".getBytes(StandardCharsets.UTF_8);

        var refused = gp.put("/api/records/content/" + sha256(page), page, "text/html");

        assertThat(refused.status()).isEqualTo(415);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(refused.json().get("detail").asString()).contains("application/pdf").contains("text/html");
        assertThat(rows(sha256(page))).isZero();
    }

    @Test
    void contentOverTheSizeLimitIsRefusedBeforeItIsRead() throws IOException {
        String response = rawPut("Content-Type: application/pdf\r\nContent-Length: " + (TWENTY_MB + 1)
                + "\r\nExpect: 100-continue\r\n", "");

        assertThat(finalStatusLine(response)).contains(" 413");
        assertThat(response).contains("at most " + TWENTY_MB + " bytes");
    }

    @Test
    void uploadWithoutAContentLengthIsRefused() throws IOException {
        String response = rawPut("Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n",
                "5\r\nhello\r\n0\r\n\r\n");

        assertThat(finalStatusLine(response)).contains(" 411");
        assertThat(response).contains("Content-Length");
    }

    @Test
    void twentyMegabytesStreamIntoTheDatabaseWithoutSittingWholeInTheHeap() throws Exception {
        String sha = HexFormat.of().formatHex(digest(new GeneratedContent(TWENTY_MB, 42)));
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

        long before = threads.getCurrentThreadAllocatedBytes();
        ContentStore.Stored stored = contents.store(GP, sha, "application/pdf", TWENTY_MB,
                new GeneratedContent(TWENTY_MB, 42));
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(stored.created()).isTrue();
        assertThat(allocated).as("bytes allocated by the uploading thread").isLessThan(2L * TWENTY_MB);
        assertThat(jdbc.queryForObject("SELECT encode(sha256(content), 'hex') FROM record_content WHERE sha256 = ?",
                String.class, sha)).isEqualTo(sha);
        assertThat(jdbc.queryForObject("SELECT octet_length(content) FROM record_content WHERE sha256 = ?",
                Long.class, sha)).isEqualTo(TWENTY_MB);
    }

    /** Rows of this content in the store and in the uploads. */
    private long rows(String sha) {
        return jdbc.queryForObject("SELECT (SELECT count(*) FROM record_content WHERE sha256 = ?) "
                + "+ (SELECT count(*) FROM record_content_upload WHERE sha256 = ?)", Long.class, sha, sha);
    }

    /** A PUT written by hand, for what HTTP clients will not send: a false length, no length at all. */
    private String rawPut(String headers, String body) throws IOException {
        String sha = "0".repeat(64);
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("PUT /api/records/content/" + sha + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                    + "Authorization: Bearer " + gp.token() + "\r\n" + headers + "\r\n" + body)
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The status line of the final response, after any 100 Continue. */
    private static String finalStatusLine(String response) {
        String rest = response;
        while (rest.startsWith("HTTP/1.1 100")) {
            rest = rest.substring(rest.indexOf("\r\n\r\n") + 4);
        }
        return rest.substring(0, rest.indexOf("\r\n"));
    }

    private static byte[] digest(InputStream in) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) != -1; ) {
            sha.update(buffer, 0, n);
        }
        return sha.digest();
    }

    /** {@code size} pseudo-random bytes made as they are read: nothing of it is ever held. */
    private static final class GeneratedContent extends InputStream {
        private long remaining;
        private long state;

        GeneratedContent(long size, long seed) {
            this.remaining = size;
            this.state = seed;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (remaining == 0) {
                return -1;
            }
            int n = (int) Math.min(length, remaining);
            for (int i = 0; i < n; i++) {
                state ^= state << 13;
                state ^= state >>> 7;
                state ^= state << 17;
                buffer[offset + i] = (byte) state;
            }
            remaining -= n;
            return n;
        }
    }
}
