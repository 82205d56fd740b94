package dev.careloop.api.access;

import java.sql.SQLTransientConnectionException;

/**
 * A read could not be accounted for in time (the access log's buffer stayed full, or its batch did not commit):
 * the read is not answered. The cause is a transient connection failure, so every edge answers it as it answers a
 * database it cannot reach: 503 with Retry-After (REST problem, FHIR OperationOutcome), never a 500, never the data.
 */
public final class AccessNotRecorded extends RuntimeException {

    public AccessNotRecorded(String why) {
        super(why, new SQLTransientConnectionException("the access log could not confirm the entry: " + why));
    }
}
