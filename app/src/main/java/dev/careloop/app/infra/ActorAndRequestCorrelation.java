package dev.careloop.app.infra;

import dev.careloop.api.MetadataKeys;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.correlation.CorrelationDataProvider;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies who acted, for whom, why and in which request from the message being handled into every
 * message it causes (a command's events, a saga's commands), and names that message as the cause.
 */
class ActorAndRequestCorrelation implements CorrelationDataProvider {

    private static final List<String> PROPAGATED = List.of(MetadataKeys.USER, MetadataKeys.USER_NAME,
            MetadataKeys.ORGANISATION, MetadataKeys.ROLES, MetadataKeys.CLIENT, MetadataKeys.PURPOSE_OF_USE, MetadataKeys.CORRELATION_ID);

    @Override
    public Map<String, ?> correlationDataFor(Message<?> message) {
        Map<String, Object> data = new HashMap<>();
        for (String key : PROPAGATED) {
            Object value = message.getMetaData().get(key);
            if (value != null) {
                data.put(key, value);
            }
        }
        data.putIfAbsent(MetadataKeys.CORRELATION_ID, message.getIdentifier());
        data.put(MetadataKeys.CAUSATION_ID, message.getIdentifier());
        return data;
    }
}
