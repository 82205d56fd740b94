package dev.careloop.web;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.util.Map;

/** Which ID token claims carry organisation, roles, name and title ({@code careloop.security.claims.*}; a dotted name reads a nested claim). */
@Component
class WebClaims {

    private final String organisation;
    private final String roles;
    private final String name;
    private final String title;

    WebClaims(@Value("${careloop.security.claims.organisation:org}") String organisation,
              @Value("${careloop.security.claims.roles:roles}") String roles,
              @Value("${careloop.security.claims.name:name}") String name,
              @Value("${careloop.security.claims.title:title}") String title) {
        this.organisation = organisation;
        this.roles = roles;
        this.name = name;
        this.title = title;
    }

    String organisation() {
        return organisation;
    }

    String roles() {
        return roles;
    }

    String name() {
        return name;
    }

    String title() {
        return title;
    }

    Object value(Map<String, Object> claims, String claim) {
        Object current = claims;
        for (String step : claim.split("\\.")) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(step);
        }
        return current;
    }

    String text(Map<String, Object> claims, String claim) {
        Object value = value(claims, claim);
        return value == null || value.toString().isBlank() ? null : value.toString().strip();
    }
}
