package dev.careloop.app.infra;

import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * The tracking processors' reads of the log as one statement whose plan PostgreSQL keeps (issue 19). Axon's own reads
 * ask for the batch's range of global indexes, plus {@code OR global_index IN (?, ..., ?)} for the token's gaps: a new
 * SQL text for every number of gaps, and, even without gaps, a range whose width PostgreSQL cannot know, for which it
 * keeps choosing a plan of its own each call. Planning them took about four times as long as running them under the
 * command benchmark (docs/BENCHMARKS.md, "Where PostgreSQL's time goes"). Here the same global indexes (the range,
 * then the gaps) go as one array: {@code global_index = ANY(?)} has one text, and its generic plan, a probe of the
 * primary key per index, costs what a custom one would, so PostgreSQL plans it once per connection. The rows, and
 * their order, are the ones Axon's statements return.
 */
final class TrackedEventReads {

    private TrackedEventReads() {
    }

    /** Axon's {@code ReadEventDataWithoutGapsStatementBuilder}: the events after {@code globalIndex}, a batch's worth. */
    static PreparedStatement withoutGaps(Connection connection, EventSchema schema, long globalIndex, int batchSize)
            throws SQLException {
        return withGaps(connection, schema, globalIndex, batchSize, List.of());
    }

    /** Axon's {@code ReadEventDataWithGapsStatementBuilder}: the same, and the events at the token's gaps. */
    static PreparedStatement withGaps(Connection connection, EventSchema schema, long globalIndex, int batchSize,
                                      List<Long> gaps) throws SQLException {
        PreparedStatement statement = connection.prepareStatement("SELECT " + schema.trackedEventFields()
                + " FROM " + schema.domainEventTable() + " WHERE " + schema.globalIndexColumn() + " = ANY(?)"
                + " ORDER BY " + schema.globalIndexColumn() + " ASC");
        long[] indexes = new long[batchSize + gaps.size()];
        for (int i = 0; i < batchSize; i++) {
            indexes[i] = globalIndex + 1 + i;
        }
        for (int i = 0; i < gaps.size(); i++) {
            indexes[batchSize + i] = gaps.get(i);
        }
        statement.setObject(1, indexes);
        return statement;
    }
}
