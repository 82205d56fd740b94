package dev.careloop.command.record;

import dev.careloop.api.MetadataKeys;
import dev.careloop.api.record.RecordShared;
import dev.careloop.api.record.ShareRecord;
import dev.careloop.api.referral.AttachRecord;
import dev.careloop.command.rules.Refusal;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.axonframework.messaging.MessageHandler;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.careloop.command.CommandTesting.by;
import static dev.careloop.command.CommandTesting.refusal;
import static dev.careloop.command.record.RecordTestData.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * A share that names a referral asks the referral to attach the record first ({@link AttachRecord}, here answered by
 * a stand-in on the command bus): the record goes to the referral's other party, is about the referral's patient,
 * and is not shared at all when the referral refuses.
 */
class ShareRecordWithReferralTest {

    private static final String REFERRAL = "ref-0001";

    private final AggregateTestFixture<SharedRecord> fixture = new AggregateTestFixture<>(SharedRecord.class);
    private final List<CommandMessage<?>> asked = new ArrayList<>();
    /** What the stand-in referral does with the AttachRecord it is sent. */
    private MessageHandler<CommandMessage<?>> referral;

    @BeforeEach
    void setUp() {
        fixture.registerInjectableResource(breakGlassFor());
        fixture.getCommandBus().subscribe(AttachRecord.class.getName(), message -> {
            asked.add(message);
            return referral.handle(message);
        });
        fixture.registerAnnotatedCommandHandler(new RecordSharing(fixture.getRepository(),
                DefaultCommandGateway.builder().commandBus(fixture.getCommandBus()).build()));
    }

    private static ShareRecord shareWithReferral(Set<String> recipients) {
        return new ShareRecord(RECORD_ID, REFERRAL, null, recipients, DISCHARGE_SUMMARY, TITLE, DESCRIPTION, VERSION_1,
                "TREAT", VALID_UNTIL);
    }

    @Test
    void theReferralsOtherPartyReceivesTheRecordAboutTheReferralsPatient() {
        referral = message -> new AttachRecord.Attachment(RIVERSIDE, PATIENT);
        fixture.givenNoPriorActivity()
                .when(shareWithReferral(Set.of(HILLSIDE)), by(NORTHSIDE_STAFF))
                .expectEvents(new RecordShared(RECORD_ID, REFERRAL, NORTHSIDE, PATIENT, Set.of(HILLSIDE, RIVERSIDE),
                        DISCHARGE_SUMMARY, TITLE, DESCRIPTION, VERSION_1, "TREAT", VALID_UNTIL));
        assertThat(asked).singleElement().satisfies(message -> {
            assertThat(message.getPayload()).isEqualTo(new AttachRecord(REFERRAL, RECORD_ID, TITLE,
                    DISCHARGE_SUMMARY, null));
            assertThat(message.getMetaData()).containsEntry(MetadataKeys.USER, NORTHSIDE_STAFF.userId())
                    .containsEntry(MetadataKeys.ORGANISATION, NORTHSIDE);
        });
    }

    @Test
    void whatTheReferralRefusesSharesNothing() {
        referral = message -> {
            throw new Refusal(Refusal.Kind.CONFLICT, "a referral that is declined cannot have records attached");
        };
        fixture.givenNoPriorActivity()
                .when(shareWithReferral(Set.of()), by(NORTHSIDE_STAFF))
                .expectException(refusal(Refusal.Kind.CONFLICT,
                        equalTo("a referral that is declined cannot have records attached")))
                .expectNoEvents()
                .expectNoScheduledDeadlines();
    }

    @Test
    void anUnknownReferralIsNotFound() {
        referral = message -> {
            throw new AggregateNotFoundException(REFERRAL, "no referral");
        };
        fixture.givenNoPriorActivity()
                .when(shareWithReferral(Set.of()), by(NORTHSIDE_STAFF))
                .expectException(refusal(Refusal.Kind.NOT_FOUND, equalTo("no such referral")))
                .expectNoEvents();
    }
}
