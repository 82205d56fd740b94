package dev.careloop.web.compliance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A view from the API (JSON objects and lists) as the label: value rows of a summary list, nested names joined with
 * dots ({@code patient.name}) and list items numbered ({@code grants[0].status}), in the API's order. The as-of view
 * shows whatever the API folded, with no second copy of each family's fields to keep in step.
 */
final class Fields {

    /** One row: the field's path and its value as text. */
    record Field(String name, String value) {
    }

    private Fields() {
    }

    static List<Field> of(Map<String, Object> view) {
        List<Field> fields = new ArrayList<>();
        flatten("", view, fields);
        return fields;
    }

    private static void flatten(String path, Object value, List<Field> into) {
        if (value instanceof Map<?, ?> map && !map.isEmpty()) {
            map.forEach((key, inner) -> flatten(path.isEmpty() ? String.valueOf(key) : path + "." + key, inner, into));
        } else if (value instanceof List<?> list && list.stream().anyMatch(v -> v instanceof Map<?, ?>)) {
            for (int i = 0; i < list.size(); i++) {
                flatten(path + "[" + i + "]", list.get(i), into);
            }
        } else {
            into.add(new Field(path, shown(value)));
        }
    }

    /** A value as text: scalars as they are, a list of scalars comma separated, an object as its name=value pairs. */
    static String shown(Object value) {
        if (value == null) {
            return "(none)";
        }
        if (value instanceof Map<?, ?> || value instanceof List<?> list && list.stream().anyMatch(v -> v instanceof Map)) {
            List<Field> fields = new ArrayList<>();
            flatten("", value, fields);
            return fields.isEmpty() ? "(none)" : String.join("; ", fields.stream()
                    .map(f -> f.name().isEmpty() ? f.value() : f.name() + " = " + f.value()).toList());
        }
        if (value instanceof List<?> list) {
            return list.isEmpty() ? "(none)" : String.join(", ", list.stream().map(String::valueOf).toList());
        }
        return String.valueOf(value);
    }
}
