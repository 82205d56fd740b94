package dev.careloop.api.referral;

import com.fasterxml.jackson.annotation.JsonCreator;

import java.util.List;

/** An interim consult note was sent, with the shared records (attached to the referral) it refers to. */
public record InterimNoteSent(String referralId, String note, ReferralStatus status, List<String> recordIds)
        implements ReferralEvent {

    @JsonCreator
    public InterimNoteSent {
        recordIds = recordIds == null ? List.of() : List.copyOf(recordIds);
    }

    public InterimNoteSent(String referralId, String note, ReferralStatus status) {
        this(referralId, note, status, List.of());
    }
}
