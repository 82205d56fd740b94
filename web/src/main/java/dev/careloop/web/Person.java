package dev.careloop.web;

import dev.careloop.api.access.Claims;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

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

    /** A platform administrator: partners, dead letters, read-model rebuilds; nothing clinical. */
    public boolean admin() {
        return hasRole("admin");
    }

    /** Who may see whether the log is intact: compliance officers and administrators (the API's access table). */
    public boolean verifiesTheLog() {
        return compliance() || admin();
    }

    static Person of(Authentication authentication, WebClaims claims) {
        if (authentication == null || !(authentication.getPrincipal() instanceof OidcUser user)) {
            return null;
        }
        Map<String, Object> all = user.getClaims();
        String name = Claims.text(all, claims.name());
        return new Person(user.getSubject(), name == null ? user.getSubject() : name, Claims.text(all, claims.title()),
                Claims.text(all, claims.organisation()), Claims.names(all, claims.roles()));
    }
}
