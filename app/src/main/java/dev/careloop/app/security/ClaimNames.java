package dev.careloop.app.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.util.Map;

/**
 * Which claims of an access token carry the organisation, the roles, the person's display name and their
 * profession (careloop.security.claims.*), so that any OpenID Connect provider works: the defaults are what the
 * local issuer writes; Keycloak, Entra ID or Okta name them as their mappers do (README, "Any OpenID Connect
 * provider"). A name with dots ({@code realm_access.roles}) is a path into nested claims.
 */
@ConfigurationProperties("careloop.security.claims")
record ClaimNames(@DefaultValue("org") String organisation, @DefaultValue("roles") String roles,
                  @DefaultValue("name") String name, @DefaultValue("title") String title) {

    static final ClaimNames DEFAULTS = new ClaimNames("org", "roles", "name", "title");

    /** The claim's value, following a dotted path through nested objects when no claim has the whole name. */
    static Object value(Map<String, Object> claims, String name) {
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

    static String text(Map<String, Object> claims, String name) {
        Object value = value(claims, name);
        return value == null || value.toString().isBlank() ? null : value.toString().strip();
    }
}
