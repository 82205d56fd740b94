package dev.careloop.query.referral;

import dev.careloop.api.MetadataKeys;
import dev.careloop.api.TestPatients;
import dev.careloop.api.referral.*;
import dev.careloop.query.ReadModelDatabase;
import org.axonframework.eventhandling.DomainEventMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The view as a command's own transaction writes it (ReferralInlineProjection) moves a row only to its next version;
 * the tracking processor's handlers, on the same table, then find that work done and apply what inline could not.
 */
class ReferralInlineViewTest {

    private static final String GP = "northside-gp";
    private static final String DERM = "riverside-derm";

    private final ReferralReadModel readModel = new ReferralReadModel(ReadModelDatabase.jdbc(),
            ReadModelDatabase.JSON);
    private final ReadModelDatabase.Projections inline = new ReadModelDatabase.Projections(
            new ReferralInlineProjection(ReadModelDatabase.stores(), ReadModelDatabase.journal()).handlers().toArray());
    private final ReadModelDatabase.Projections tracking = new ReadModelDatabase.Projections(
            new ReferralViewProjection(ReadModelDatabase.stores()),
            new ReferralTimelineProjection(ReadModelDatabase.stores(), ReadModelDatabase.journal()));

    private final DomainEventMessage<Object> sent = event(0, GP, new ReferralSent("r1", "GP-0001",
            "urn:careloop:northside-gp:referral", GP, DERM,
            TestPatients.patient("urn:careloop:northside-gp:mrn", "MRN-1", "Ada Lovelace", LocalDate.of(1980, 1, 2)),
            Priority.ROUTINE, "Dermatology", "Changing mole", null, Instant.parse("2026-12-20T00:00:00Z"), null,
            ReferralStatus.CREATED));
    private final DomainEventMessage<Object> assigned = event(1, DERM,
            new ReferralAssigned("r1", "derm-clinician", "Dr Priya Shah", ReferralStatus.CREATED));
    private final DomainEventMessage<Object> accepted = event(2, DERM,
            new ReferralAccepted("r1", ReferralStatus.ACCEPTED));

    @BeforeEach
    void emptyTables() {
        ReadModelDatabase.jdbc().update("DELETE FROM referral_view");
        ReadModelDatabase.jdbc().update("DELETE FROM referral_timeline");
    }

    @Test
    void eventsAppliedInlineAreFoundDoneByTheTrackingProcessor() {
        inline.deliver(sent, assigned, accepted);
        ReferralView before = readModel.find("r1", GP).orElseThrow();

        tracking.deliver(sent, assigned, accepted);

        ReferralView after = readModel.find("r1", GP).orElseThrow();
        assertThat(after).isEqualTo(before);
        assertThat(after.version()).isEqualTo(3);
        assertThat(readModel.timeline("r1")).hasSize(3);
    }

    @Test
    void inlineALaterEventIsNotAppliedOverOneMissingBeforeIt() {
        inline.deliver(sent);
        // The assignment's inline write failed (rolled back to its savepoint): the acceptance must wait for it.
        inline.deliver(accepted);

        assertThat(readModel.find("r1", GP).orElseThrow().version()).isEqualTo(1);

        tracking.deliver(sent, assigned, accepted);
        ReferralView view = readModel.find("r1", GP).orElseThrow();
        assertThat(view.version()).isEqualTo(3);
        assertThat(view.status()).isEqualTo(ReferralStatus.ACCEPTED);
        assertThat(view.assignedTo().name()).as("the change of the event inline could not apply")
                .isEqualTo("Dr Priya Shah");
        assertThat(readModel.timeline("r1")).extracting(e -> e.event())
                .containsExactly("ReferralSent", "ReferralAssigned", "ReferralAccepted");
    }

    @Test
    void aRedeliveredEventChangesNothingInline() {
        inline.deliver(sent, assigned);

        inline.deliver(sent, assigned);

        assertThat(readModel.find("r1", GP).orElseThrow().version()).isEqualTo(2);
        assertThat(readModel.timeline("r1")).hasSize(2);
    }

    private static DomainEventMessage<Object> event(long sequence, String org, ReferralEvent e) {
        return ReadModelDatabase.event("Referral", e.referralId(), sequence, e,
                Map.of(MetadataKeys.USER, "staff-of-" + org, MetadataKeys.ORGANISATION, org));
    }
}
