package dev.careloop.api.record;

/**
 * Which bytes a version of a shared record is: their SHA-256 (lowercase hex), size in bytes and media type.
 * Events carry this, never the bytes; the bytes live once in the content store, addressed by the hash.
 */
public record RecordContent(String sha256, long size, String mediaType) {
}
