package dev.careloop.fhir.mapping;

import dev.careloop.api.referral.ReferralStatus;
import dev.careloop.fhir.TestEvents.History;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static dev.careloop.fhir.TestEvents.*;
import static dev.careloop.fhir.mapping.Resources.one;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Task.status, business status and ServiceRequest.status after each trigger of the referral table (docs/FHIR.md),
 * written out by hand (not read from ReferralStatus, which is what is being checked).
 */
class TaskStatusTest {

    private static final String R = "r-9";

    private static History sent() {
        return referral(R).by("dr.north", GP).then(referralSent(R, GP, DERM, null)).by("dr.river", DERM);
    }

    private static History acceptedReferral() {
        return sent().then(accepted(R));
    }

    private static History scheduledReferral() {
        return acceptedReferral().then(visitScheduled(R, 2));
    }

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of("send referral", sent(), "received", "2.0", "active"),
                Arguments.of("accept", acceptedReferral(), "accepted", "3.0", "active"),
                Arguments.of("decline when received", sent().then(declined(R)), "rejected", "4.0", "revoked"),
                Arguments.of("decline when accepted", acceptedReferral().then(declined(R)), "rejected", "4.0", "revoked"),
                Arguments.of("schedule visit", scheduledReferral(), "in-progress", "5.1.1", "active"),
                Arguments.of("reschedule", scheduledReferral().then(visitRescheduled(R, 3)), "in-progress", "5.1.1", "active"),
                Arguments.of("record no-show", scheduledReferral().then(noShowRecorded(R, 3)), "in-progress", "5.1.2", "active"),
                Arguments.of("cancel appointment", scheduledReferral().then(visitCancelled(R, 3)), "in-progress", "5.1.3", "active"),
                Arguments.of("send interim note", acceptedReferral().then(interimNoteSent(R, java.util.List.of())),
                        "in-progress", "5.1.4", "active"),
                Arguments.of("request cancellation", sent().by("dr.north", GP).then(cancellationRequested(R)),
                        "in-progress", "5.2", "active"),
                Arguments.of("confirm cancellation", sent().by("dr.north", GP).then(cancellationRequested(R))
                        .by("dr.river", DERM).then(cancellationConfirmed(R)), "cancelled", "6.0", "revoked"),
                Arguments.of("send outcome", scheduledReferral().then(outcomeSent(R, java.util.List.of())),
                        "completed", "7.0", "completed"),
                Arguments.of("acknowledge outcome", scheduledReferral().then(outcomeSent(R, java.util.List.of()))
                        .by("dr.north", GP).then(outcomeAcknowledged(R)), "completed", "7.0", "completed"),
                Arguments.of("request information", acceptedReferral().then(informationRequested(R)),
                        "on-hold", "8.0", "active"),
                Arguments.of("provide information", acceptedReferral().then(informationRequested(R))
                        .by("dr.north", GP).then(informationProvided(R, ReferralStatus.ACCEPTED)), "accepted", "3.0", "active"),
                Arguments.of("forward", sent().then(forwarded(R, DERM, CARDIO)), "received", "2.0", "active"));
    }

    @ParameterizedTest(name = "{0} -> {2} / {3}")
    @MethodSource("table")
    void taskAndOrderFollowTheReferralTable(String trigger, History history, String taskStatus, String businessStatus,
                                            String serviceRequestStatus) {
        FhirChange change = new R4ChangeProjector().project(history.events());
        Task task = one(change, Task.class);

        assertThat(task.getStatus().toCode()).isEqualTo(taskStatus);
        assertThat(task.getBusinessStatus().getCoding())
                .filteredOn(c -> c.getSystem().equals("https://careloop.dev/fhir/CodeSystem/referral-business-status"))
                .extracting(c -> c.getCode()).containsExactly(businessStatus.equals("7.0") && trigger.startsWith("acknowledge")
                        ? "loop-closed" : businessStatus);
        // BSeR's code system has every code but CareLoop's on hold for information.
        assertThat(task.getBusinessStatus().getCoding())
                .filteredOn(c -> c.getSystem().equals("http://hl7.org/fhir/us/bser/CodeSystem/TaskBusinessStatusCS"))
                .extracting(c -> c.getCode()).containsExactlyElementsOf(businessStatus.equals("8.0")
                        ? java.util.List.of() : java.util.List.of(businessStatus));
        assertThat(one(change, ServiceRequest.class).getStatus().toCode()).isEqualTo(serviceRequestStatus);
    }
}
