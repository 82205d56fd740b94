package dev.careloop.web;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The signed-in person as their ID token names them: subject, name, title, organisation and roles (the claim names
 * are configuration, {@code careloop.security.claims.*}, the same the API reads).
 */
public record Person(String subject, String name, String title, String organisation, List<String> roles) {

    public Person {
        roles = roles == null ? List.of() : List.copyOf(roles);
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }

    /** Clinic staff work on referrals; compliance officers and administrators do not. */
    public boolean clinicStaff() {
        return hasRole("clinician") || hasRole("coordinator");
    }

    public boolean compliance() {
        return hasRole("compliance");
    }

    static Person of(Authentication authentication, WebClaims claims) {
        if (authentication == null || !(authentication.getPrincipal() instanceof OidcUser user)) {
            return null;
        }
        Map<String, Object> all = user.getClaims();
        String name = claims.text(all, claims.name());
        return new Person(user.getSubject(), name == null ? user.getSubject() : name, claims.text(all, claims.title()),
                claims.text(all, claims.organisation()), roles(claims.value(all, claims.roles())));
    }

    private static List<String> roles(Object value) {
        if (value instanceof Collection<?> many) {
            return many.stream().map(String::valueOf).toList();
        }
        if (value instanceof String one && !one.isBlank()) {
            return List.of(one.split("[ ,]+"));
        }
        return List.of();
    }
}
