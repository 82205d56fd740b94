package dev.careloop.query.appointment;

import dev.careloop.api.appointment.AppointmentView;
import dev.careloop.query.replay.MemoryStores;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventMessageHandler;
import tools.jackson.databind.ObjectMapper;

/**
 * One appointment as its view projection makes it, event by event, from its history alone: the same
 * {@link AppointmentViewProjection} on a row held in memory, shown as the API shows appointment_view. What the
 * as-of answers are made of, so that they cannot drift from the read model.
 */
public final class AppointmentReplay {

    private final String appointmentId;
    private final ObjectMapper json;
    private final MemoryStores stores = new MemoryStores();
    private final EventMessageHandler projection;

    public AppointmentReplay(String appointmentId, ObjectMapper json) {
        this.appointmentId = appointmentId;
        this.json = json;
        this.projection = new AnnotationEventHandlerAdapter(new AppointmentViewProjection(stores, json));
    }

    public void apply(EventMessage<?> event) {
        try {
            projection.handle(event);
        } catch (Exception e) {
            throw new IllegalStateException("the appointment view projection failed on " + event.getPayloadType(), e);
        }
    }

    /** The appointment after the events applied so far; null before it existed. */
    public AppointmentView view() {
        AppointmentRow row = stores.rows(AppointmentRow.TABLE).find(appointmentId);
        return row == null ? null : row.view(json);
    }
}
