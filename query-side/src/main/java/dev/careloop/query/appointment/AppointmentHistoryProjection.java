package dev.careloop.query.appointment;

import dev.careloop.api.appointment.AppointmentEvent;
import dev.careloop.query.EventJournal;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The appointment_history table: every event of an appointment with who did it, for which organisation, in
 * which role and request, for what purpose, and when. Same processing group as the view, so both move in one
 * transaction with the token.
 */
@Component
@ProcessingGroup(AppointmentViewProjection.GROUP)
class AppointmentHistoryProjection {

    private static final EventJournal.Table HISTORY =
            new EventJournal.Table("appointment_history", "appointment_id", "appointmentId");

    private final JdbcTemplate jdbc;
    private final EventJournal journal;

    AppointmentHistoryProjection(JdbcTemplate jdbc, EventJournal journal) {
        this.jdbc = jdbc;
        this.journal = journal;
    }

    @EventHandler
    void on(AppointmentEvent e, DomainEventMessage<?> message) {
        journal.record(HISTORY, e.appointmentId(), e.status().code(), e, message);
    }

    @ResetHandler
    void reset() {
        jdbc.update("DELETE FROM appointment_history");
    }
}
