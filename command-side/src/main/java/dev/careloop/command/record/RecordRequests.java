package dev.careloop.command.record;

import dev.careloop.command.web.PatientRequest;
import dev.careloop.api.PurposeOfUse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Future;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.time.Instant;
import java.util.List;

/** The bodies of the shared-record write API, validated before any command is sent. */
final class RecordRequests {
    private RecordRequests() {
    }

    static final String PURPOSES = PurposeOfUse.TREATMENT + "|" + PurposeOfUse.COORDINATION + "|"
            + PurposeOfUse.OPERATIONS + "|" + PurposeOfUse.COMPLIANCE;
    static final String SHA256 = "[0-9a-fA-F]{64}";


    /** A LOINC document type, such as {"code": "11490-0", "display": "Discharge summary"}. */
    record DocumentTypeRequest(
            @NotBlank @Pattern(regexp = "\\d{1,7}-\\d", message = "must be a LOINC code such as 11490-0") String code,
            @NotBlank @Size(max = 255) String display) {
    }

    /**
     * {@code patient} may be left out when {@code referralId} is given: then it is the referral's patient.
     * {@code purposes}: other purposes of use the recipients may read the record for, besides {@code purpose}.
     */
    record ShareRecordRequest(
            @Size(max = 64) String referralId,
            @Valid PatientRequest patient,
            @NotNull @Size(max = 20) List<@NotBlank @Size(max = 64) String> recipients,
            @NotNull @Valid DocumentTypeRequest documentType,
            @NotBlank @Size(max = 255) String title,
            @Size(max = 4000) String description,
            @NotBlank @Pattern(regexp = SHA256, message = "must be the SHA-256 of uploaded content (64 hex digits)")
            String contentSha256,
            @NotNull @Pattern(regexp = PURPOSES, message = "must be one of TREAT, COC, HOPERAT, HCOMPL")
            String purpose,
            @NotNull @Future Instant validUntil,
            @Size(max = 4) List<@NotNull @Pattern(regexp = PURPOSES,
                    message = "must be one of TREAT, COC, HOPERAT, HCOMPL") String> purposes) {
    }

    record AmendRecordRequest(
            @NotBlank @Pattern(regexp = SHA256, message = "must be the SHA-256 of uploaded content (64 hex digits)")
            String contentSha256,
            @Size(max = 255) String title,
            @Size(max = 4000) String description,
            @NotBlank @Size(max = 4000) String reason) {
    }

    /** One more organisation to share the record with, and why. */
    record GrantAccessRequest(@NotBlank @Size(max = 64) String organisation,
                              @NotBlank @Size(max = 4000) String reason) {
    }

    record RevokeAccessRequest(@NotBlank @Size(max = 64) String organisation,
                               @NotBlank @Size(max = 4000) String reason) {
    }

    /** What the reviewer found: why the emergency was (or was not) justified. */
    record ReviewRequest(@NotBlank @Size(max = 4000) String note) {
    }
}
