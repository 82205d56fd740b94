package dev.careloop.query.asof;

import dev.careloop.api.privacy.PatientRekeyed;
import dev.careloop.api.Patient;
import dev.careloop.api.appointment.*;
import org.axonframework.eventhandling.DomainEventMessage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import static dev.careloop.query.asof.Instants.stored;

/**
 * An appointment folded from its events as AppointmentViewProjection writes appointment_view (FoldMatchesReadModelTest
 * compares the two after every event); its participants are every organisation that was ever party to it.
 */
final class AppointmentFold {

    private String appointmentId;
    private String referralId;
    private Patient patient;
    private String performer;
    private final List<String> participants = new ArrayList<>();
    private AppointmentStatus status;
    private Slot slot;
    private List<Slot> proposedSlots = List.of();
    private String location;
    private String description;
    private String cancellationReason;
    private boolean reminderSent;
    private Instant createdAt;
    private Instant updatedAt;
    private long version;

    void apply(DomainEventMessage<?> message) {
        Object payload = message.getPayload();
        Instant at = stored(message.getTimestamp());
        long newVersion = message.getSequenceNumber() + 1;
        if (payload instanceof PatientRekeyed e) {
            // The patient under the keyed id; like the live view, only the version moves with it.
            if (appointmentId != null && version < newVersion) {
                patient = e.applyTo(patient);
                version = newVersion;
            }
            return;
        }
        if (payload instanceof AppointmentProposed e) {
            if (appointmentId != null) {
                return;
            }
            create(e.appointmentId(), e.referralId(), e.patient(), e.performer(), e.participants(), e.location(),
                    e.description(), at);
            proposedSlots = e.slots() == null ? List.of() : List.copyOf(e.slots());
            status = e.status();
            version = newVersion;
            return;
        }
        if (payload instanceof AppointmentBooked e) {
            if (appointmentId == null) {
                create(e.appointmentId(), e.referralId(), e.patient(), e.performer(), e.participants(), e.location(),
                        e.description(), at);
            } else if (version < newVersion) {
                performer = e.performer();
                ordered(e.performer(), e.participants()).stream().filter(p -> !participants.contains(p))
                        .forEach(participants::add);
                location = e.location() != null ? e.location() : location;
                description = e.description() != null ? e.description() : description;
            } else {
                return;
            }
            status = e.status();
            slot = booked(e.slot());
            proposedSlots = List.of();
            updatedAt = at;
            version = newVersion;
            return;
        }
        if (!(payload instanceof AppointmentEvent e) || appointmentId == null || version >= newVersion) {
            return;
        }
        status = e.status();
        updatedAt = at;
        version = newVersion;
        if (e instanceof AppointmentRescheduled r) {
            slot = booked(r.slot());
            location = r.location() != null ? r.location() : location;
            reminderSent = false;
        } else if (e instanceof AppointmentCancelled c) {
            cancellationReason = c.reason();
        } else if (e instanceof AppointmentHandedOff h) {
            performer = h.toOrganisation();
            if (!participants.contains(h.toOrganisation())) {
                participants.add(h.toOrganisation());
            }
        } else if (e instanceof AppointmentReminderDue) {
            reminderSent = true;
        }
    }

    private void create(String id, String referral, Patient p, String performerOrg, Collection<String> others,
                        String place, String text, Instant at) {
        appointmentId = id;
        referralId = referral;
        patient = p;
        performer = performerOrg;
        participants.addAll(ordered(performerOrg, others));
        location = place;
        description = text;
        createdAt = at;
        updatedAt = at;
    }

    /** The performer first, then the others sorted: the order appointment_view keeps them in. */
    private static List<String> ordered(String performer, Collection<String> others) {
        Set<String> all = new LinkedHashSet<>();
        if (performer != null) {
            all.add(performer);
        }
        if (others != null) {
            others.stream().filter(Objects::nonNull).sorted().forEach(all::add);
        }
        return List.copyOf(all);
    }

    /** The view has a slot only when it has a start (slot_start). */
    private static Slot booked(Slot s) {
        return s == null || s.start() == null ? null : new Slot(stored(s.start()), stored(s.end()));
    }

    boolean exists() {
        return appointmentId != null;
    }

    Set<String> parties() {
        return Set.copyOf(participants);
    }

    AppointmentView view() {
        if (!exists()) {
            return null;
        }
        return new AppointmentView(appointmentId, referralId, patient, performer, List.copyOf(participants), status,
                slot, proposedSlots, location, description, cancellationReason, reminderSent, createdAt, updatedAt,
                version);
    }
}
