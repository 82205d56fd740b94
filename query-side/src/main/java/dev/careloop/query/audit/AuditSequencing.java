package dev.careloop.query.audit;

import dev.careloop.api.appointment.AppointmentEvent;
import dev.careloop.api.disclosure.DisclosedToPartner;
import dev.careloop.api.privacy.PatientErased;
import dev.careloop.api.record.RecordEvent;
import dev.careloop.api.referral.ReferralEvent;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.async.SequencingPolicy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The audit trail's sequences: one per aggregate an entry is about (the referral, record or appointment the event
 * names, a disclosure's aggregate, an erased patient; any other event on its own). Events whose entries depend on
 * each other (a denial naming a record, a disclosure of a referral) share a sequence, so a dead letter holds back
 * only its own aggregate's entries. Identifiers too long for dead_letter_entry.sequence_identifier (a record id a
 * careless client made up, say) are replaced by their SHA-256.
 */
public final class AuditSequencing implements SequencingPolicy<EventMessage<?>> {

    /** Longest identifier used as it is; dead_letter_entry.sequence_identifier holds 255 characters. */
    static final int MAX_LENGTH = 200;

    @Override
    public Object getSequenceIdentifierFor(EventMessage<?> event) {
        return bounded(subject(event));
    }

    private static String subject(EventMessage<?> event) {
        Object payload = event.getPayload();
        String subject = null;
        if (payload instanceof ReferralEvent e) {
            subject = e.referralId();
        } else if (payload instanceof RecordEvent e) {
            subject = e.recordId();
        } else if (payload instanceof AppointmentEvent e) {
            subject = e.appointmentId();
        } else if (payload instanceof DisclosedToPartner e) {
            subject = e.aggregateId();
        } else if (payload instanceof PatientErased e) {
            subject = e.patientId();
        } else if (event instanceof DomainEventMessage<?> domain) {
            subject = domain.getAggregateIdentifier();
        }
        return subject == null || subject.isEmpty() ? event.getIdentifier() : subject;
    }

    private static String bounded(String id) {
        if (id.length() <= MAX_LENGTH && id.chars().noneMatch(Character::isISOControl)) {
            return id;
        }
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(id.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
