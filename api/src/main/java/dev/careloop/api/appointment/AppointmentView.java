package dev.careloop.api.appointment;

import dev.careloop.api.Patient;

import java.time.Instant;
import java.util.List;

/** An appointment as its participants see it: the read model's row. */
public record AppointmentView(
        String appointmentId,
        String referralId,
        Patient patient,
        String performer,
        List<String> participants,
        AppointmentStatus status,
        Slot slot,
        List<Slot> proposedSlots,
        String location,
        String description,
        String cancellationReason,
        boolean reminderSent,
        Instant createdAt,
        Instant updatedAt,
        long version) {
}
