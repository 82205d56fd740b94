package dev.careloop.command.messaging;

import dev.careloop.api.Actor;
import dev.careloop.api.MetadataKeys;
import org.axonframework.messaging.MetaData;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/** Writes an {@link Actor} into message metadata and reads it back. */
public final class ActorMetaData {
    private ActorMetaData() {
    }

    public static MetaData of(Actor actor) {
        return MetaData.from(actor.metaData());
    }

    /** The actor a message was sent by, or null when it carries none (a deadline, say). */
    public static Actor from(MetaData metaData) {
        Object user = metaData.get(MetadataKeys.USER);
        Object org = metaData.get(MetadataKeys.ORGANISATION);
        if (user == null || org == null) {
            return null;
        }
        Object roles = metaData.getOrDefault(MetadataKeys.ROLES, "");
        Set<String> roleSet = Arrays.stream(roles.toString().split(","))
                .map(String::trim).filter(r -> !r.isEmpty()).collect(Collectors.toSet());
        Object client = metaData.get(MetadataKeys.CLIENT);
        Object purpose = metaData.get(MetadataKeys.PURPOSE_OF_USE);
        Object name = metaData.get(MetadataKeys.USER_NAME);
        return new Actor(user.toString(), org.toString(), roleSet, client == null ? null : client.toString(),
                purpose == null ? null : purpose.toString(), name == null ? null : name.toString());
    }
}
