package dev.careloop.api.referral;

import com.fasterxml.jackson.annotation.JsonCreator;
import dev.careloop.api.AboutPatient;
import dev.careloop.api.ClinicalText;

import java.util.List;

/** An interim consult note was sent, with the shared records (attached to the referral) it refers to. */
public record InterimNoteSent(String referralId, String patientId, @ClinicalText String note,
                              ReferralStatus status, List<String> recordIds) implements ReferralEvent, AboutPatient {

    @JsonCreator
    public InterimNoteSent {
        recordIds = recordIds == null ? List.of() : List.copyOf(recordIds);
    }

    public InterimNoteSent(String referralId, String patientId, String note, ReferralStatus status) {
        this(referralId, patientId, note, status, List.of());
    }
}
