package dev.careloop.query.audit;

import org.springframework.stereotype.Component;

/**
 * The one search of the audit trail, for the search route and the export alike: the event entries, and the access
 * log's reads when {@code type} names {@code ReadAccess} (alone, or merged in time order with the event types named
 * beside it). Without a type the answer is every event entry and no reads, so that the export of a period is the
 * search of the same period.
 */
@Component
public class AuditSearch {

    private final AuditReadModel events;
    private final ReadAccessEntries reads;

    AuditSearch(AuditReadModel events, ReadAccessEntries reads) {
        this.events = events;
        this.reads = reads;
    }

    public AuditReadModel.Page search(ComplianceScope.Officer officer, AuditReadModel.Filter filter,
                                      boolean ascending, int page, int size) {
        return ReadAccessEntries.asked(filter.types())
                ? reads.search(officer, filter, ascending, page, size)
                : events.search(officer, filter, ascending, page, size);
    }
}
