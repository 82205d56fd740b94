package dev.careloop.app.security;

import dev.careloop.api.Actor;
import dev.careloop.api.PurposeOfUse;
import org.springframework.security.oauth2.jwt.Jwt;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads who is acting from a bearer token: {@code sub}, {@code org}, {@code roles}, the client. */
final class JwtActor {
    static final String ORG_CLAIM = "org";
    static final String ROLES_CLAIM = "roles";

    private static final Set<String> PURPOSES = Set.of(PurposeOfUse.TREATMENT, PurposeOfUse.COORDINATION,
            PurposeOfUse.OPERATIONS, PurposeOfUse.COMPLIANCE);

    private JwtActor() {
    }

    static Set<String> roles(Jwt jwt) {
        Object claim = jwt.getClaims().get(ROLES_CLAIM);
        Set<String> roles = new HashSet<>();
        if (claim instanceof Collection<?> values) {
            values.forEach(v -> roles.add(v.toString()));
        } else if (claim instanceof String s && !s.isBlank()) {
            roles.addAll(List.of(s.split("[ ,]+")));
        }
        return roles;
    }

    /** The actor, or null when the token names no organisation. */
    static Actor from(Jwt jwt, String requestedPurpose) {
        String org = jwt.getClaimAsString(ORG_CLAIM);
        if (org == null || org.isBlank()) {
            return null;
        }
        Set<String> roles = roles(jwt);
        String client = jwt.getClaimAsString("client_id");
        if (client == null) {
            client = jwt.getClaimAsString("azp");
        }
        String subject = jwt.getSubject() != null ? jwt.getSubject() : client;
        return new Actor(subject, org, roles, client, purpose(requestedPurpose, roles));
    }

    /** The purpose the caller states (X-Purpose-Of-Use), if it is one we know; else the role's usual one. */
    static String purpose(String requested, Set<String> roles) {
        if (requested != null && PURPOSES.contains(requested)) {
            return requested;
        }
        if (roles.contains(Actor.COMPLIANCE)) {
            return PurposeOfUse.COMPLIANCE;
        }
        if (roles.contains(Actor.ADMIN)) {
            return PurposeOfUse.OPERATIONS;
        }
        return PurposeOfUse.TREATMENT;
    }
}
