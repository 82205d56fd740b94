package dev.careloop.api.referral;

import com.fasterxml.jackson.annotation.JsonCreator;
import dev.careloop.api.AboutPatient;
import dev.careloop.api.ClinicalText;

import java.util.List;

/** The outcome (consult report) was returned, with the shared records (attached to the referral) that go with it. */
public record OutcomeSent(String referralId, String patientId, @ClinicalText String report, ReferralStatus status,
                          List<String> recordIds) implements ReferralEvent, AboutPatient {

    @JsonCreator
    public OutcomeSent {
        recordIds = recordIds == null ? List.of() : List.copyOf(recordIds);
    }

    public OutcomeSent(String referralId, String patientId, String report, ReferralStatus status) {
        this(referralId, patientId, report, status, List.of());
    }
}
