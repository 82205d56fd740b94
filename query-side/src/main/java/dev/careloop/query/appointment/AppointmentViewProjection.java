package dev.careloop.query.appointment;

import dev.careloop.api.appointment.*;
import dev.careloop.api.privacy.PatientErased;
import dev.careloop.api.privacy.PatientRekeyed;
import dev.careloop.query.privacy.PatientScrub;
import dev.careloop.query.replay.Rows;
import dev.careloop.query.replay.Stores;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The appointment_view table: one row per appointment, as its participants see it. Each change is guarded by
 * the row's version, so replaying or redelivering an event changes nothing.
 */
@Component
@ProcessingGroup(AppointmentViewProjection.GROUP)
class AppointmentViewProjection implements PatientScrub {

    static final String GROUP = "appointments";

    private final Rows<AppointmentRow> views;
    private final ObjectMapper json;

    AppointmentViewProjection(Stores stores, ObjectMapper json) {
        this.views = stores.rows(AppointmentRow.TABLE);
        this.json = json;
    }

    /** Creates the row; a proposal never changes a row that is there already. */
    @EventHandler
    void on(AppointmentProposed e, DomainEventMessage<?> message) {
        if (views.find(e.appointmentId()) != null) {
            return;
        }
        AppointmentRow r = new AppointmentRow();
        r.appointmentId = e.appointmentId();
        r.referralId = e.referralId();
        r.patient = e.patient();
        r.performer = e.performer();
        r.participants = participants(e.performer(), e.participants());
        r.status = e.status().code();
        r.proposedSlots = json.writeValueAsString(e.slots() == null ? List.of() : e.slots());
        r.startsAt = e.slots() == null ? null : e.slots().stream().map(Slot::start).filter(Objects::nonNull)
                .min(Instant::compareTo).orElse(null);
        r.location = e.location();
        r.description = e.description();
        r.createdAt = message.getTimestamp();
        r.updatedAt = message.getTimestamp();
        r.version = version(message);
        views.put(r);
    }

    /** Creates the row when booked directly; when a proposed slot is confirmed, the offer is closed. */
    @EventHandler
    void on(AppointmentBooked e, DomainEventMessage<?> message) {
        long version = version(message);
        AppointmentRow r = views.find(e.appointmentId());
        if (r == null) {
            r = new AppointmentRow();
            r.appointmentId = e.appointmentId();
            r.referralId = e.referralId();
            r.patient = e.patient();
            r.createdAt = message.getTimestamp();
        } else if (r.version >= version) {
            return;
        }
        // A confirmed proposal keeps its referral, patient, creation time, and its location and description
        // unless the booking names them; its participants stay first, in their order.
        for (String participant : participants(e.performer(), e.participants())) {
            if (!r.participants.contains(participant)) {
                r.participants.add(participant);
            }
        }
        if (e.location() != null) {
            r.location = e.location();
        }
        if (e.description() != null) {
            r.description = e.description();
        }
        r.performer = e.performer();
        r.status = e.status().code();
        r.slotStart = start(e.slot());
        r.slotEnd = end(e.slot());
        r.startsAt = start(e.slot());
        r.proposedSlots = "[]";
        r.updatedAt = message.getTimestamp();
        r.version = version;
        views.put(r);
    }

    /** A new time: the reminder for the old one no longer counts. */
    @EventHandler
    void on(AppointmentRescheduled e, DomainEventMessage<?> message) {
        update(e, message, r -> {
            r.slotStart = start(e.slot());
            r.slotEnd = end(e.slot());
            r.startsAt = start(e.slot());
            if (e.location() != null) {
                r.location = e.location();
            }
            r.reminderSent = false;
        });
    }

    @EventHandler
    void on(AppointmentCancelled e, DomainEventMessage<?> message) {
        update(e, message, r -> r.cancellationReason = e.reason());
    }

    /** The new performer joins the participants; the previous one keeps seeing the appointment. */
    @EventHandler
    void on(AppointmentHandedOff e, DomainEventMessage<?> message) {
        update(e, message, r -> {
            r.performer = e.toOrganisation();
            if (!r.participants.contains(e.toOrganisation())) {
                r.participants.add(e.toOrganisation());
            }
        });
    }

    @EventHandler
    void on(AppointmentReminderDue e, DomainEventMessage<?> message) {
        update(e, message, r -> r.reminderSent = true);
    }

    /** Arrived, fulfilled, did not attend: only the status moves. */
    @EventHandler
    void on(AppointmentEvent e, DomainEventMessage<?> message) {
        update(e, message, null);
    }

    /** The appointment's patient is named by the keyed id from now on; only the version moves with it. */
    @EventHandler
    void on(PatientRekeyed e, DomainEventMessage<?> message) {
        AppointmentRow r = views.find(e.aggregateId());
        long version = version(message);
        if (r == null || r.version >= version || !e.aggregateId().equals(message.getAggregateIdentifier())) {
            return;
        }
        r.patient = e.applyTo(r.patient);
        r.version = version;
        views.put(r);
    }

    /** After every earlier event of this group: no copy of the erased identity outlives the erasure here. */
    @EventHandler
    void on(PatientErased e) {
        scrub(e.patientId());
    }

    @Override
    public int scrub(String patientId) {
        return PatientScrub.eraseFrom(views, AppointmentRow.PATIENT_ID, patientId);
    }

    @ResetHandler
    void reset() {
        views.clear();
    }

    /** The status, time and version move with every event the row has not seen; {@code change} does the rest. */
    private void update(AppointmentEvent e, DomainEventMessage<?> message, Consumer<AppointmentRow> change) {
        AppointmentRow r = views.find(e.appointmentId());
        long version = version(message);
        if (r == null || r.version >= version) {
            return;
        }
        r.status = e.status().code();
        r.updatedAt = message.getTimestamp();
        r.version = version;
        if (change != null) {
            change.accept(r);
        }
        views.put(r);
    }

    /** The performer first, then the others in a stable order, whatever order the event's set had. */
    private static List<String> participants(String performer, Collection<String> others) {
        Set<String> all = new LinkedHashSet<>();
        if (performer != null) {
            all.add(performer);
        }
        if (others != null) {
            others.stream().filter(Objects::nonNull).sorted().forEach(all::add);
        }
        return new ArrayList<>(all);
    }

    private static Instant start(Slot slot) {
        return slot == null ? null : slot.start();
    }

    private static Instant end(Slot slot) {
        return slot == null ? null : slot.end();
    }

    private static long version(DomainEventMessage<?> message) {
        return message.getSequenceNumber() + 1;
    }
}
