package dev.careloop.command.record;

import dev.careloop.api.record.RecordContent;
import dev.careloop.command.rules.Rules;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.unit.DataSize;
import org.springframework.web.ErrorResponseException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The content of shared records in PostgreSQL, addressed by SHA-256. An upload is streamed into the database
 * while it is hashed and counted, and checked against the hash and length it claimed in the same transaction:
 * content that is not what it claims leaves no row. The bytes pass through the heap in small buffers only.
 */
@Component
public class ContentStore {

    /** Downloads read the content in slices of this size, so a large document never sits whole in the heap. */
    private static final int SLICE = 256 * 1024;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /**
     * What an upload did: {@code created} is false when this organisation had uploaded the same content before.
     * Another organisation's upload of the same bytes changes nothing in the answer: which documents other
     * organisations hold is not for the uploader to learn.
     */
    public record Stored(RecordContent content, boolean created) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final long maxSize;
    private final Set<String> mediaTypes;

    ContentStore(JdbcTemplate jdbc, TransactionTemplate tx,
                 @Value("${careloop.records.max-size:20MB}") DataSize maxSize,
                 @Value("${careloop.records.media-types:application/pdf,image/jpeg,image/png,text/plain}")
                 List<String> mediaTypes) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.maxSize = maxSize.toBytes();
        this.mediaTypes = mediaTypes.stream().map(t -> t.trim().toLowerCase(Locale.ROOT))
                .filter(t -> !t.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Stores {@code length} bytes read from {@code body} as the content {@code sha256}, uploaded by
     * {@code organisation}. Refused, writing nothing: a malformed hash, bytes whose hash or length differ from
     * the claim (400), no length (411), more than careloop.records.max-size (413), a media type outside
     * careloop.records.media-types (415), or content this organisation uploaded before as another media type (409).
     * The bytes are stored once; each organisation's upload keeps its own media type.
     */
    public Stored store(String organisation, String sha256, String contentType, long length, InputStream body) {
        String hash = sha256 == null ? "" : sha256.toLowerCase(Locale.ROOT);
        Rules.require(SHA256.matcher(hash).matches(), "sha256", "must be the SHA-256 of the content as 64 hex digits");
        if (length < 0) {
            throw problem(HttpStatus.LENGTH_REQUIRED, "send the content with a Content-Length header");
        }
        if (length > maxSize) {
            throw problem(HttpStatus.PAYLOAD_TOO_LARGE, "the content is " + length + " bytes; at most " + maxSize
                    + " bytes can be shared");
        }
        String mediaType = acceptedMediaType(contentType);
        return tx.execute(status -> {
            boolean stored = !jdbc.queryForList("SELECT 1 FROM record_content WHERE sha256 = ?", Integer.class, hash)
                    .isEmpty();
            List<String> ownUpload = jdbc.queryForList("SELECT media_type FROM record_content_upload "
                    + "WHERE sha256 = ? AND organisation = ?", String.class, hash, organisation);
            CountingInputStream counted = new CountingInputStream(body);
            DigestInputStream digesting = new DigestInputStream(counted, sha256Digest());
            if (!stored) {
                try {
                    // PgJDBC streams a stream of known length into the statement in 8 KB pieces.
                    jdbc.update(con -> {
                        var insert = con.prepareStatement("INSERT INTO record_content (sha256, media_type, size, "
                                + "content) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING");
                        insert.setString(1, hash);
                        insert.setString(2, mediaType);
                        insert.setLong(3, length);
                        insert.setBinaryStream(4, digesting, length);
                        return insert;
                    });
                } catch (DataAccessException e) {
                    if (counted.count() < length) {
                        throw new Rules.InvalidField("Content-Length", "the content ended after " + counted.count()
                                + " of the " + length + " bytes announced");
                    }
                    throw e;
                }
            } else {
                // Already stored: the uploader must still prove it has these bytes before it may use the hash.
                drain(digesting);
            }
            Rules.require(counted.count() == length && atEnd(body), "Content-Length",
                    "the content is not the " + length + " bytes announced");
            String actual = HexFormat.of().formatHex(digesting.getMessageDigest().digest());
            Rules.require(actual.equals(hash), "sha256", "the content's SHA-256 is " + actual + ", not " + hash);
            Rules.conflictUnless(ownUpload.isEmpty() || ownUpload.get(0).equals(mediaType),
                    organisation + " uploaded this content as " + (ownUpload.isEmpty() ? "" : ownUpload.get(0))
                            + ", not " + mediaType);
            boolean created = jdbc.update("INSERT INTO record_content_upload (sha256, organisation, media_type) "
                    + "VALUES (?, ?, ?) ON CONFLICT DO NOTHING", hash, organisation, mediaType) == 1;
            return new Stored(new RecordContent(hash, length, mediaType), created);
        });
    }

    /** The content {@code sha256} if {@code organisation} uploaded it; only then may it share it. */
    public Optional<RecordContent> uploadedBy(String organisation, String sha256) {
        return jdbc.query("""
                SELECT c.sha256, c.size, u.media_type FROM record_content c
                JOIN record_content_upload u ON u.sha256 = c.sha256 AND u.organisation = ?
                WHERE c.sha256 = ?""",
                (rs, i) -> new RecordContent(rs.getString(1), rs.getLong(2), rs.getString(3)),
                organisation, sha256 == null ? "" : sha256.toLowerCase(Locale.ROOT)).stream().findFirst();
    }

    /** As {@link #uploadedBy}, refusing (400, naming {@code field}) content this organisation has not uploaded. */
    RecordContent requireUploadedBy(String field, String organisation, String sha256) {
        return uploadedBy(organisation, sha256).orElseThrow(() -> new Rules.InvalidField(field,
                "no content with this SHA-256 was uploaded by " + organisation
                        + "; upload it first with PUT /api/records/content/{sha256}"));
    }

    /** Writes the content {@code sha256} to {@code out}, a slice at a time. */
    void copyTo(String sha256, long size, OutputStream out) throws IOException {
        // bytea is at most 1 GB, so int offsets do; substring counts from 1.
        for (int offset = 0; offset < size; offset += SLICE) {
            byte[] slice = jdbc.queryForObject("SELECT substring(content FROM ? FOR ?) FROM record_content "
                    + "WHERE sha256 = ?", byte[].class, offset + 1, SLICE, sha256);
            out.write(slice);
        }
        out.flush();
    }

    private String acceptedMediaType(String contentType) {
        MediaType type;
        try {
            type = MediaType.parseMediaType(contentType == null ? "" : contentType);
        } catch (InvalidMediaTypeException e) {
            throw unsupported(contentType);
        }
        String base = (type.getType() + "/" + type.getSubtype()).toLowerCase(Locale.ROOT);
        if (!mediaTypes.contains(base)) {
            throw unsupported(contentType);
        }
        String charset = type.getParameter("charset");
        return charset == null ? base : base + ";charset=" + charset.toLowerCase(Locale.ROOT);
    }

    private ErrorResponseException unsupported(String contentType) {
        return problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "records can be shared as "
                + String.join(", ", mediaTypes.stream().sorted().toList()) + "; not as '" + contentType + "'");
    }

    private static ErrorResponseException problem(HttpStatus status, String detail) {
        return new ErrorResponseException(status, ProblemDetail.forStatusAndDetail(status, detail), null);
    }

    private static boolean atEnd(InputStream body) {
        try {
            return body.read() == -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void drain(InputStream in) {
        byte[] buffer = new byte[8192];
        try {
            while (in.read(buffer) != -1) {
                // hashing and counting happen as it is read
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Counts what was read through it. */
    private static final class CountingInputStream extends FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b != -1) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
