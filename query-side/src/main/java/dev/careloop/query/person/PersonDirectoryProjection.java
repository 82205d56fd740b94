package dev.careloop.query.person;

import dev.careloop.api.MetadataKeys;
import dev.careloop.api.appointment.AppointmentEvent;
import dev.careloop.api.audit.AuditTrailRead;
import dev.careloop.api.record.RecordEvent;
import dev.careloop.api.referral.ReferralEvent;
import dev.careloop.query.ReadModels;
import dev.careloop.query.replay.Rows;
import dev.careloop.query.replay.Stores;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.messaging.MetaData;
import org.springframework.stereotype.Component;

import java.util.Arrays;
import java.util.List;

/**
 * person_seen: every person who acted, per organisation, as their events say (subject, name, roles). In the audit
 * group, which already reads every event a person can cause, so the directory needs no processor of its own and is
 * rebuilt with the trail. Service accounts, partner systems and CareLoop's deadlines carry no person's name: they
 * are no one's colleague. The latest event names the person (a renamed person shows under the new name); a
 * redelivered or older event changes nothing.
 */
@Component
@ProcessingGroup("audit")
class PersonDirectoryProjection {

    private final Rows<PersonSeen> persons;

    PersonDirectoryProjection(Stores stores) {
        this.persons = stores.rows(PersonSeen.TABLE);
    }

    @EventHandler
    void on(ReferralEvent e, EventMessage<?> message) {
        seen(message);
    }

    @EventHandler
    void on(RecordEvent e, EventMessage<?> message) {
        seen(message);
    }

    @EventHandler
    void on(AppointmentEvent e, EventMessage<?> message) {
        seen(message);
    }

    @EventHandler
    void on(AuditTrailRead e, EventMessage<?> message) {
        seen(message);
    }

    @ResetHandler
    void reset() {
        persons.clear();
    }

    private void seen(EventMessage<?> message) {
        MetaData metaData = message.getMetaData();
        String subject = ReadModels.text(metaData, MetadataKeys.USER);
        String name = ReadModels.text(metaData, MetadataKeys.USER_NAME);
        String organisation = ReadModels.text(metaData, MetadataKeys.ORGANISATION);
        if (subject == null || name == null || organisation == null) {
            return;
        }
        PersonSeen known = persons.find(organisation, subject);
        if (known != null && !message.getTimestamp().isAfter(known.lastActedAt())) {
            return;
        }
        persons.put(new PersonSeen(organisation, subject, name, roles(metaData), message.getTimestamp()));
    }

    /** The roles as the actor's metadata carries them: comma-separated, sorted. */
    private static List<String> roles(MetaData metaData) {
        String roles = ReadModels.text(metaData, MetadataKeys.ROLES);
        return roles == null ? List.of() : Arrays.stream(roles.split(",")).map(String::trim)
                .filter(r -> !r.isEmpty()).toList();
    }
}
