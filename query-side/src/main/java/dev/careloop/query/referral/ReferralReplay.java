package dev.careloop.query.referral;

import dev.careloop.api.referral.ReferralView;
import dev.careloop.query.replay.MemoryStores;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventMessageHandler;

import java.util.List;
import java.util.Set;

/**
 * One referral as its view projection makes it, event by event, from its history alone: the same
 * {@link ReferralViewProjection} on a row held in memory, shown as the API shows referral_view to a caller it
 * offers no actions. What the as-of answers are made of, so that they cannot drift from the read model.
 */
public final class ReferralReplay {

    private final String referralId;
    private final MemoryStores stores = new MemoryStores();
    private final EventMessageHandler projection;

    public ReferralReplay(String referralId) {
        this.referralId = referralId;
        this.projection = new AnnotationEventHandlerAdapter(new ReferralViewProjection(stores));
    }

    public void apply(EventMessage<?> event) {
        try {
            projection.handle(event);
        } catch (Exception e) {
            throw new IllegalStateException("the referral view projection failed on " + event.getPayloadType(), e);
        }
    }

    /** The referral after the events applied so far; null before it existed. */
    public ReferralView view() {
        ReferralRow row = row();
        return row == null ? null : row.view(List.of());
    }

    /** Every organisation that has been party to it so far: the initiator and each recipient it had. */
    public Set<String> parties() {
        ReferralRow row = row();
        return row == null ? Set.of() : Set.copyOf(row.participants);
    }

    private ReferralRow row() {
        return stores.rows(ReferralRow.TABLE).find(referralId);
    }
}
