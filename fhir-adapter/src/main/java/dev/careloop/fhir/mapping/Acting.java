package dev.careloop.fhir.mapping;

import dev.careloop.api.MetadataKeys;
import org.axonframework.messaging.MetaData;
import org.hl7.fhir.r4.model.Reference;

import java.util.Collection;

/**
 * Who made a change and why, read from the event's metadata. Changes made by CareLoop itself (deadlines: a
 * missed service level, an expired share, a reminder) have no user. A person who acted has a name
 * ({@code userName}); a service account or partner system has none.
 */
record Acting(String userId, String userName, String organisation, String client, String purposeOfUse, String correlationId) {

    static Acting of(MetaData metaData) {
        return new Acting(text(metaData, MetadataKeys.USER), text(metaData, MetadataKeys.USER_NAME),
                text(metaData, MetadataKeys.ORGANISATION),
                text(metaData, MetadataKeys.CLIENT), text(metaData, MetadataKeys.PURPOSE_OF_USE),
                text(metaData, MetadataKeys.CORRELATION_ID));
    }

    boolean byUser() {
        return userId != null;
    }

    /** Who acted, as a FHIR reference: the person (a Practitioner, by name) or the account ({@link R4#user}). */
    Reference who() {
        return userName != null ? R4.practitioner(userId, userName) : R4.user(userId);
    }

    private static String text(MetaData metaData, String key) {
        Object value = metaData.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof Collection<?> values) {
            return values.isEmpty() ? null : String.join(",", values.stream().map(String::valueOf).sorted().toList());
        }
        String text = value.toString();
        return text.isBlank() ? null : text;
    }
}
