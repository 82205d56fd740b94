package dev.careloop.query.audit;

import dev.careloop.api.privacy.PatientRekeyed;
import dev.careloop.api.MetadataKeys;
import dev.careloop.api.TestPatients;
import dev.careloop.api.Patient;
import dev.careloop.api.PurposeOfUse;
import dev.careloop.api.appointment.AppointmentEvent;
import dev.careloop.api.partnership.PartnershipGoalEvent;
import dev.careloop.api.record.RecordEvent;
import dev.careloop.api.referral.ReferralEvent;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.GenericTrackedDomainEventMessage;
import org.axonframework.eventhandling.GenericTrackedEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.messaging.MetaData;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A log as the event store would hand it to a tracking processor: global positions, per-aggregate sequence numbers,
 * a clock that moves a minute (and some nanoseconds, to test rounding) per event, and the actor's metadata.
 * Public because the as-of tests fold the same histories.
 */
public final class TestLog {

    public static final String GP = "northside-gp";
    public static final String DERM = "riverside-derm";
    public static final String CARDIO = "lakeside-cardio";
    public static final String STRANGER = "elsewhere-clinic";

    public static final Patient ADA = TestPatients.patient("https://northside-gp.example/mrn", "MRN-ADA", "Ada Lovelace",
            LocalDate.of(1980, 1, 2));
    public static final Patient GRACE = TestPatients.patient("https://northside-gp.example/mrn", "MRN-GRACE", "Grace Hopper",
            LocalDate.of(1976, 12, 9));

    private Instant clock = Instant.parse("2026-03-02T09:00:00.123456789Z");
    private long nextGlobalIndex = 1;
    private final Map<String, Long> nextSequence = new HashMap<>();
    private final List<TrackedEventMessage<?>> all = new ArrayList<>();

    /** An event of its aggregate, acted by {@code user} of {@code org} for treatment. */
    public TrackedEventMessage<?> by(String org, String user, Object event) {
        return by(org, user, PurposeOfUse.TREATMENT, event);
    }

    public TrackedEventMessage<?> by(String org, String user, String purpose, Object event) {
        String type;
        String id;
        if (event instanceof ReferralEvent e) {
            type = "Referral";
            id = e.referralId();
        } else if (event instanceof RecordEvent e) {
            type = "SharedRecord";
            id = e.recordId();
        } else if (event instanceof AppointmentEvent e) {
            type = "AppointmentHandoff";
            id = e.appointmentId();
        } else if (event instanceof PartnershipGoalEvent e) {
            type = "PartnershipGoal";
            id = e.goalId();
        } else if (event instanceof PatientRekeyed e) {
            // Appended to the stream of the aggregate it re-keys, whatever that is.
            id = e.aggregateId();
            type = history(id).stream().findFirst().map(DomainEventMessage::getType)
                    .orElseThrow(() -> new IllegalArgumentException("no aggregate " + e.aggregateId() + " to re-key"));
        } else {
            throw new IllegalArgumentException("not an aggregate's event: " + event);
        }
        long sequence = nextSequence.merge(id, 1L, Long::sum) - 1;
        long index = nextGlobalIndex++;
        DomainEventMessage<Object> message = new GenericDomainEventMessage<>(type, id, sequence, event,
                metaData(org, user, purpose, index), "event-" + index, tick());
        TrackedEventMessage<?> tracked = new GenericTrackedDomainEventMessage<>(new GlobalSequenceTrackingToken(index),
                message);
        all.add(tracked);
        return tracked;
    }

    /** An event published on its own, outside any aggregate (an access denial, a read of the trail). */
    public TrackedEventMessage<?> plain(String org, String user, String purpose, Object event) {
        long index = nextGlobalIndex++;
        GenericEventMessage<Object> message = new GenericEventMessage<>("event-" + index, event,
                metaData(org, user, purpose, index), tick());
        TrackedEventMessage<?> tracked = new GenericTrackedEventMessage<>(new GlobalSequenceTrackingToken(index),
                message);
        all.add(tracked);
        return tracked;
    }

    /** The aggregate's events in sequence order, as EventStore.readEvents gives them. */
    public List<DomainEventMessage<?>> history(String aggregateId) {
        return all.stream().filter(m -> m instanceof DomainEventMessage<?> d
                        && d.getAggregateIdentifier().equals(aggregateId))
                .<DomainEventMessage<?>>map(m -> (DomainEventMessage<?>) m).toList();
    }

    public List<TrackedEventMessage<?>> all() {
        return List.copyOf(all);
    }

    /** When the next event will be recorded. */
    public Instant now() {
        return clock;
    }

    private Instant tick() {
        Instant at = clock;
        clock = clock.plus(Duration.ofMinutes(1)).plusNanos(1_001);
        return at;
    }

    private static MetaData metaData(String org, String user, String purpose, long index) {
        Map<String, Object> md = new HashMap<>();
        md.put(MetadataKeys.USER, user);
        md.put(MetadataKeys.ORGANISATION, org);
        md.put(MetadataKeys.ROLES, "clinician,coordinator");
        md.put(MetadataKeys.CLIENT, org + "-web");
        md.put(MetadataKeys.PURPOSE_OF_USE, purpose);
        md.put(MetadataKeys.CORRELATION_ID, "req-" + index);
        md.put(MetadataKeys.CAUSATION_ID, "cmd-" + index);
        return MetaData.from(md);
    }
}
