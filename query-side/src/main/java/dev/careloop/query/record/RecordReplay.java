package dev.careloop.query.record;

import dev.careloop.api.record.RecordView;
import dev.careloop.query.replay.MemoryStores;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventMessageHandler;

import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One shared record as its projection makes it, event by event, from its history alone: the same
 * {@link RecordProjection} on rows held in memory, shown as its author sees record_view and every recipient's
 * grant. What the as-of answers are made of, so that they cannot drift from the read model.
 */
public final class RecordReplay {

    private final String recordId;
    private final MemoryStores stores = new MemoryStores();
    private final EventMessageHandler projection;

    public RecordReplay(String recordId) {
        this.recordId = recordId;
        this.projection = new AnnotationEventHandlerAdapter(new RecordProjection(stores));
    }

    public void apply(EventMessage<?> event) {
        try {
            projection.handle(event);
        } catch (Exception e) {
            throw new IllegalStateException("the record projection failed on " + event.getPayloadType(), e);
        }
    }

    /** The record after the events applied so far, as its author saw it at {@code at}; null before it existed. */
    public RecordView view(Instant at) {
        RecordRow row = stores.rows(RecordRow.TABLE).find(recordId);
        return row == null ? null : row.view(grants().stream().map(g -> g.view(at)).toList());
    }

    /** Every organisation that has been party to it so far: its author and each organisation ever granted it. */
    public Set<String> parties() {
        RecordRow row = stores.rows(RecordRow.TABLE).find(recordId);
        if (row == null) {
            return Set.of();
        }
        Set<String> parties = new LinkedHashSet<>();
        parties.add(row.authorOrg);
        grants().forEach(g -> parties.add(g.organisation));
        return Set.copyOf(parties);
    }

    /** In the order the read model lists them. */
    private List<GrantRow> grants() {
        return stores.rows(GrantRow.TABLE).findAll(GrantRow.RECORD_ID, recordId).stream()
                .sorted(Comparator.comparing(g -> g.organisation)).toList();
    }
}
