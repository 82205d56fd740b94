package dev.careloop.query.asof;

import dev.careloop.api.referral.ReferralView;
import dev.careloop.query.referral.ReferralReplay;
import org.springframework.stereotype.Component;

import java.util.Optional;

/**
 * A referral as it was after its first {@code version} events, its view projection run over the log: what a former
 * recipient reads (AccessPolicy, "as it was when it left"), as referral_view shows the current parties.
 */
@Component
public class ReferralAsOf {

    private final EventHistory history;

    ReferralAsOf(EventHistory history) {
        this.history = history;
    }

    public Optional<ReferralView> atVersion(String referralId, long version) {
        ReferralReplay replay = new ReferralReplay(referralId);
        history.of(referralId).stream().filter(e -> e.getSequenceNumber() < version).forEach(replay::apply);
        return Optional.ofNullable(replay.view());
    }
}
