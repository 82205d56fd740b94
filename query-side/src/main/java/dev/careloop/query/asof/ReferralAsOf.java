package dev.careloop.query.asof;

import dev.careloop.api.referral.ReferralView;
import org.axonframework.eventhandling.DomainEventMessage;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Optional;

/**
 * A referral as it was after its first {@code version} events, folded from the log: what a former recipient reads
 * (AccessPolicy, "as it was when it left"), field by field as referral_view shows the current parties.
 */
@Component
public class ReferralAsOf {

    private final EventHistory history;

    ReferralAsOf(EventHistory history) {
        this.history = history;
    }

    public Optional<ReferralView> atVersion(String referralId, long version) {
        ReferralFold fold = new ReferralFold();
        List<? extends DomainEventMessage<?>> events = history.of(referralId);
        events.stream().filter(e -> e.getSequenceNumber() < version).forEach(fold::apply);
        return Optional.ofNullable(fold.view());
    }
}
