package dev.careloop.query.record;

import dev.careloop.query.replay.RowTable;

import java.time.Instant;

import static dev.careloop.query.replay.RowValues.instant;

/** A row of record_disclosure: who (subject and name) read which version of a record, for which organisation, why and when. */
record DisclosureRow(String eventId, String recordId, long sequenceNumber, String organisation, String userId,
                     String userName, String roles, String client, String purposeOfUse, int version, String contentSha256,
                     Instant disclosedAt, String correlationId) {

    static final RowTable<DisclosureRow> TABLE = RowTable.<DisclosureRow>named("record_disclosure")
            .column("event_id", DisclosureRow::eventId)
            .column("record_id", DisclosureRow::recordId)
            .column("sequence_number", DisclosureRow::sequenceNumber)
            .column("organisation", DisclosureRow::organisation)
            .column("user_id", DisclosureRow::userId)
            .column("user_name", DisclosureRow::userName)
            .column("roles", DisclosureRow::roles)
            .column("client", DisclosureRow::client)
            .column("purpose_of_use", DisclosureRow::purposeOfUse)
            .column("version", DisclosureRow::version)
            .column("content_sha256", DisclosureRow::contentSha256)
            .column("disclosed_at", DisclosureRow::disclosedAt)
            .column("correlation_id", DisclosureRow::correlationId)
            .key("event_id")
            .reader(rs -> new DisclosureRow(rs.getString("event_id"), rs.getString("record_id"),
                    rs.getLong("sequence_number"), rs.getString("organisation"), rs.getString("user_id"),
                    rs.getString("user_name"), rs.getString("roles"), rs.getString("client"), rs.getString("purpose_of_use"),
                    rs.getInt("version"), rs.getString("content_sha256"), instant(rs.getTimestamp("disclosed_at")),
                    rs.getString("correlation_id")));
}
