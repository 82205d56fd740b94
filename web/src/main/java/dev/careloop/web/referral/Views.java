package dev.careloop.web.referral;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The API leaves null fields out of its JSON; templates read {@code r.appointment} whether or not there is one. This
 * puts every field of the {@code api} record back, null where the API said nothing, nested records included.
 */
public final class Views {

    /** The timeline entry's fields (the query side's {@code TimelineEntry}, not an {@code api} record). */
    static final List<String> TIMELINE = List.of("sequence", "event", "status", "occurredAt", "user", "userName",
            "actedBy", "organisation", "roles", "client", "purposeOfUse", "correlationId", "causationId", "details");

    private Views() {
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> complete(Map<String, Object> json, Class<? extends Record> shape) {
        if (json == null) {
            return null;
        }
        Map<String, Object> full = new LinkedHashMap<>(json);
        for (RecordComponent c : shape.getRecordComponents()) {
            Object value = full.get(c.getName());
            if (value instanceof Map<?, ?> nested && c.getType().isRecord()) {
                full.put(c.getName(), complete((Map<String, Object>) nested,
                        (Class<? extends Record>) c.getType()));
            } else if (value instanceof List<?> items && c.getGenericType() instanceof ParameterizedType p
                    && p.getActualTypeArguments()[0] instanceof Class<?> element && element.isRecord()) {
                full.put(c.getName(), items.stream().map(i -> i instanceof Map<?, ?> m
                        ? complete((Map<String, Object>) m, (Class<? extends Record>) element) : i).toList());
            } else {
                full.putIfAbsent(c.getName(), null);
            }
        }
        return full;
    }

    public static Map<String, Object> completeKeys(Map<String, Object> json, List<String> keys) {
        Map<String, Object> full = new LinkedHashMap<>(json);
        keys.forEach(k -> full.putIfAbsent(k, null));
        return full;
    }
}
