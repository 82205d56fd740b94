package dev.careloop.command.referral;

import dev.careloop.api.referral.ReasonCategory;
import dev.careloop.command.web.PatientRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Future;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.time.Instant;
import java.util.List;

/** The bodies of the referral write API, validated before any command is sent. */
final class ReferralRequests {
    private ReferralRequests() {
    }

    static final String PRIORITIES = "routine|urgent|asap|stat";


    record SendReferralRequest(
            @NotBlank @Size(max = 64) String recipientOrganisation,
            @NotNull @Valid PatientRequest patient,
            @NotNull @Pattern(regexp = PRIORITIES, message = "must be one of routine, urgent, asap, stat")
            String priority,
            @NotBlank @Size(max = 255) String service,
            @NotBlank @Size(max = 4000) String reason,
            @Size(max = 4000) String note,
            @Size(max = 128) String referralNumber) {
    }

    record ReasonRequest(@NotBlank @Size(max = 4000) String reason) {
    }

    static final String CATEGORY_MESSAGE = "must be one of not-our-service, capacity, insufficient-information, "
            + "patient-choice, other";

    /** {@code category}: optional, a {@link ReasonCategory} code analytics counts declines by. */
    record DeclineRequest(@NotBlank @Size(max = 4000) String reason,
                          @Pattern(regexp = ReasonCategory.CODES, message = CATEGORY_MESSAGE) String category) {
    }

    /** {@code category}: optional, a {@link ReasonCategory} code analytics counts forwards by. */
    record ForwardRequest(@NotBlank @Size(max = 64) String toOrganisation,
                          @NotBlank @Size(max = 4000) String reason,
                          @Pattern(regexp = ReasonCategory.CODES, message = CATEGORY_MESSAGE) String category) {
    }

    record QuestionRequest(@NotBlank @Size(max = 4000) String question) {
    }

    record AnswerRequest(@NotBlank @Size(max = 4000) String answer) {
    }

    record AppointmentRequest(@NotNull @Future Instant start, Instant end,
                              @NotBlank @Size(max = 255) String location,
                              @Size(max = 4000) String reason) {
    }

    /** {@code recordIds}: shared records attached to the referral that the note or outcome refers to. */
    record NoteRequest(@NotBlank @Size(max = 20000) String note,
                       @Size(max = 50) List<@NotBlank @Size(max = 64) String> recordIds) {
    }

    record OutcomeRequest(@NotBlank @Size(max = 20000) String report,
                          @Size(max = 50) List<@NotBlank @Size(max = 64) String> recordIds) {
    }

    record ReferBackRequest(
            @NotNull @Pattern(regexp = PRIORITIES, message = "must be one of routine, urgent, asap, stat")
            String priority,
            @NotBlank @Size(max = 255) String service,
            @NotBlank @Size(max = 4000) String reason,
            @Size(max = 4000) String note,
            @Size(max = 128) String referralNumber) {
    }

    /** {@code assignee}: the person's subject (the {@code sub} of their login); {@code assigneeName}: their name. */
    record AssignmentRequest(@NotBlank @Size(max = 255) String assignee,
                             @NotBlank @Size(max = 255) String assigneeName) {
    }
}
