package dev.careloop.command.record;

import dev.careloop.api.MetadataKeys;
import dev.careloop.api.record.FollowReferralForward;
import dev.careloop.api.record.RecordAccessGranted;
import dev.careloop.api.record.RecordAccessRevoked;
import dev.careloop.api.record.RecordShared;
import dev.careloop.api.referral.ForwardReferral;
import dev.careloop.api.referral.Priority;
import dev.careloop.api.referral.RecordAttached;
import dev.careloop.api.referral.ReferralAccepted;
import dev.careloop.api.referral.ReferralForwarded;
import dev.careloop.api.referral.ReferralSent;
import dev.careloop.api.referral.ReferralStatus;
import dev.careloop.command.referral.Referral;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.careloop.command.CommandTesting.by;
import static dev.careloop.command.record.RecordTestData.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A forwarded referral takes its documents with it: the referral hands itself on (HandReferralOn), and each attached
 * record is then told (FollowReferralForward): the forwarding organisation's grant ends, the new recipient gets one.
 */
class ForwardCarriesRecordsTest {

    private static final String REFERRAL = "ref-0001";

    @Test
    void eachAttachedRecordIsToldOfTheForwardOnTheCallersBehalf() {
        AggregateTestFixture<Referral> fixture = new AggregateTestFixture<>(Referral.class);
        List<CommandMessage<?>> told = new ArrayList<>();
        fixture.getCommandBus().subscribe(FollowReferralForward.class.getName(), message -> {
            told.add(message);
            return null;
        });
        fixture.registerAnnotatedCommandHandler(new ReferralForwarding(
                DefaultCommandGateway.builder().commandBus(fixture.getCommandBus()).build()));

        fixture.given(new ReferralSent(REFERRAL, "NGP-2030-0001", "https://careloop.dev/fhir/sid/referral/northside-gp",
                        NORTHSIDE, RIVERSIDE, PATIENT, Priority.ROUTINE, "dermatology", "changing lesion", null,
                        Instant.parse("2030-03-03T09:00:00Z"), null, ReferralStatus.CREATED),
                        new ReferralAccepted(REFERRAL, ReferralStatus.ACCEPTED),
                        new RecordAttached(REFERRAL, PATIENT.patientId(), RECORD_ID, TITLE, DISCHARGE_SUMMARY,
                                ReferralStatus.ACCEPTED))
                .when(new ForwardReferral(REFERRAL, LAKESIDE, "Lakeside runs the clinic"), by(RIVERSIDE_CLINICIAN))
                .expectEvents(new ReferralForwarded(REFERRAL, PATIENT.patientId(), RIVERSIDE, LAKESIDE,
                        "Lakeside runs the clinic", ReferralStatus.CREATED))
                .expectResultMessagePayload(4L);

        assertThat(told).singleElement().satisfies(message -> {
            assertThat(message.getPayload()).isEqualTo(new FollowReferralForward(RECORD_ID, REFERRAL, RIVERSIDE,
                    LAKESIDE));
            assertThat(message.getMetaData()).containsEntry(MetadataKeys.ORGANISATION, RIVERSIDE);
        });
    }

    @Test
    void theRecordEndsTheForwardingOrganisationsGrantAndGrantsTheNewRecipient() {
        RecordShared sharedWithTheReferral = new RecordShared(RECORD_ID, REFERRAL, NORTHSIDE, PATIENT,
                Set.of(RIVERSIDE, HILLSIDE), DISCHARGE_SUMMARY, TITLE, DESCRIPTION, VERSION_1, "TREAT", VALID_UNTIL);
        fixture().given(sharedWithTheReferral)
                .when(new FollowReferralForward(RECORD_ID, REFERRAL, RIVERSIDE, LAKESIDE), by(RIVERSIDE_CLINICIAN))
                .expectEvents(
                        new RecordAccessRevoked(RECORD_ID, PATIENT.patientId(), RIVERSIDE,
                                "the referral was forwarded to " + LAKESIDE, REFERRAL),
                        new RecordAccessGranted(RECORD_ID, PATIENT.patientId(), LAKESIDE, REFERRAL,
                                "the referral was forwarded to " + LAKESIDE + " by " + RIVERSIDE));
    }
}
