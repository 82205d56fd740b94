package dev.careloop.query;

import org.axonframework.messaging.MetaData;

/** What every read model of the query side needs: metadata as text. */
public final class ReadModels {
    private ReadModels() {
    }

    /** A metadata value as text, or null when the message does not carry it. */
    public static String text(MetaData metaData, String key) {
        Object value = metaData.get(key);
        return value == null ? null : value.toString();
    }
}
