package dev.careloop.fhir.mapping;

import dev.careloop.api.MetadataKeys;
import org.axonframework.messaging.MetaData;

import java.util.Collection;

/**
 * Who made a change and why, read from the event's metadata. Changes made by CareLoop itself (deadlines: a
 * missed service level, an expired share, a reminder) have no user.
 */
record Acting(String userId, String organisation, String client, String purposeOfUse, String correlationId) {

    static Acting of(MetaData metaData) {
        return new Acting(text(metaData, MetadataKeys.USER), text(metaData, MetadataKeys.ORGANISATION),
                text(metaData, MetadataKeys.CLIENT), text(metaData, MetadataKeys.PURPOSE_OF_USE),
                text(metaData, MetadataKeys.CORRELATION_ID));
    }

    boolean byUser() {
        return userId != null;
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
