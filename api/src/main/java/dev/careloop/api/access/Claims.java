package dev.careloop.api.access;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Reading a token's claims by a configured name, the one way the API's resource server and the web app's sign-in
 * both read organisation, roles, name and title (careloop.security.claims.*). A name with dots
 * ({@code realm_access.roles}) is a path into nested claims unless a claim has that whole name.
 */
public final class Claims {

    private Claims() {
    }

    /** The claim's value, following a dotted path through nested objects when no claim has the whole name. */
    public static Object value(Map<String, Object> claims, String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        if (claims.containsKey(name) || name.indexOf('.') < 0) {
            return claims.get(name);
        }
        Object current = claims;
        for (String step : name.split("\\.")) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(step);
        }
        return current;
    }

    /** The claim as trimmed text; null when absent or blank. */
    public static String text(Map<String, Object> claims, String name) {
        Object value = value(claims, name);
        return value == null || value.toString().isBlank() ? null : value.toString().strip();
    }

    /** A claim holding several names (roles): a list, or one string separated by spaces or commas. */
    public static List<String> names(Map<String, Object> claims, String name) {
        Object value = value(claims, name);
        List<String> names = new ArrayList<>();
        if (value instanceof Collection<?> many) {
            many.forEach(v -> names.add(v.toString()));
        } else if (value instanceof String one && !one.isBlank()) {
            names.addAll(List.of(one.strip().split("[ ,]+")));
        }
        return names;
    }
}
