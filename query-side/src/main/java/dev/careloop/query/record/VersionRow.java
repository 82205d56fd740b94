package dev.careloop.query.record;

import dev.careloop.query.replay.RowTable;

import java.time.Instant;

import static dev.careloop.query.replay.RowValues.instant;

/** A row of record_version: one version of a record's document, never changed once written. */
record VersionRow(String recordId, int version, String contentSha256, long contentSize, String mediaType,
                  String title, String reason, Instant createdAt, String createdBy) {

    static final RowTable<VersionRow> TABLE = RowTable.<VersionRow>named("record_version")
            .column("record_id", VersionRow::recordId)
            .column("version", VersionRow::version)
            .column("content_sha256", VersionRow::contentSha256)
            .column("content_size", VersionRow::contentSize)
            .column("media_type", VersionRow::mediaType)
            .column("title", VersionRow::title)
            .column("reason", VersionRow::reason)
            .column("created_at", VersionRow::createdAt)
            .column("created_by", VersionRow::createdBy)
            .key("record_id", "version")
            .reader(rs -> new VersionRow(rs.getString("record_id"), rs.getInt("version"),
                    rs.getString("content_sha256"), rs.getLong("content_size"), rs.getString("media_type"),
                    rs.getString("title"), rs.getString("reason"), instant(rs.getTimestamp("created_at")),
                    rs.getString("created_by")));
}
