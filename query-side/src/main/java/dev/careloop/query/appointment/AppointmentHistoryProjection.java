package dev.careloop.query.appointment;

import dev.careloop.api.appointment.AppointmentEvent;
import dev.careloop.api.privacy.PatientErased;
import dev.careloop.query.EventJournal;
import dev.careloop.query.privacy.PatientScrub;
import dev.careloop.query.replay.Journal;
import dev.careloop.query.replay.Stores;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.springframework.stereotype.Component;

/**
 * The appointment_history table: every event of an appointment with who did it, for which organisation, in
 * which role and request, for what purpose, and when. Same processing group as the view, so both move in one
 * transaction with the token.
 */
@Component
@ProcessingGroup(AppointmentViewProjection.GROUP)
class AppointmentHistoryProjection implements PatientScrub {

    private final EventJournal entries;
    private final Journal<EventJournal.Entry> history;

    AppointmentHistoryProjection(Stores stores, EventJournal entries) {
        this.entries = entries;
        this.history = stores.journal(EventJournal.table("appointment_history", "appointment_id"));
    }

    @EventHandler
    void on(AppointmentEvent e, DomainEventMessage<?> message) {
        history.add(entries.entry("appointmentId", e.appointmentId(), e.status().code(), e, message));
    }

    /** After every earlier event of this group: no copy of the erased identity outlives the erasure here. */
    @EventHandler
    void on(PatientErased e) {
        scrub(e.patientId());
    }

    @Override
    public int scrub(String patientId) {
        return entries.erasePatient(history, patientId);
    }

    @ResetHandler
    void reset() {
        history.clear();
    }
}
