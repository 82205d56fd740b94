package dev.careloop.app.security;

import dev.careloop.api.access.Claims;

import dev.careloop.api.Actor;
import dev.careloop.api.PurposeOfUse;
import org.springframework.security.oauth2.jwt.Jwt;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * Reads who is acting from a bearer token: {@code sub}, the organisation, the roles, the client, and for a person
 * the display name (with their profession when the token gives one). Which claims carry the organisation, roles and
 * name is configuration ({@link ClaimNames}); its defaults are what the local issuer writes.
 */
final class JwtActor {

    /** The purpose of use a token may carry for every request made with it (the header overrides it). */
    static final String PURPOSE_CLAIM = "purpose_of_use";

    private JwtActor() {
    }

    static Set<String> roles(Jwt jwt) {
        return roles(jwt, ClaimNames.DEFAULTS);
    }

    static Set<String> roles(Jwt jwt, ClaimNames names) {
        return new HashSet<>(Claims.names(jwt.getClaims(), names.roles()));
    }

    /** The token's OAuth2 scopes ({@code scope}: a space-separated string or a list). */
    static Set<String> scopes(Jwt jwt) {
        Object claim = jwt.getClaims().get("scope");
        Set<String> scopes = new HashSet<>();
        if (claim instanceof Collection<?> values) {
            values.forEach(v -> scopes.add(v.toString()));
        } else if (claim instanceof String s) {
            for (String one : s.split(" ")) {
                if (!one.isBlank()) {
                    scopes.add(one);
                }
            }
        }
        return scopes;
    }

    /**
     * The roles a partner system acts with when it writes (through /fhir or /api), from its SMART scopes: the command
     * side checks roles, and a partner EHR acts for the staff of its organisation. Writing ServiceRequests (sending
     * referrals) is coordination work: coordinator. Writing Tasks (accept, decline, ask, cancel, and return the
     * consult report, which only clinicians may) and Appointments (book, arrived, fulfilled) acts for both: clinician
     * and coordinator. Read scopes grant no role; which routes a token may call at all is the access table's
     * decision (AccessMatrix), which judges a system token by its scopes, never by these roles.
     */
    static Set<String> systemRoles(Set<String> scopes) {
        Set<String> roles = new HashSet<>();
        for (String scope : scopes) {
            if (!scope.startsWith("system/")) {
                continue;
            }
            int dot = scope.lastIndexOf('.');
            if (dot < 0) {
                continue;
            }
            String type = scope.substring("system/".length(), dot);
            String rights = scope.substring(dot + 1);
            boolean writes = rights.equals("write") || rights.equals("*")
                    || (!rights.equals("read") && (rights.contains("c") || rights.contains("u")));
            if (!writes) {
                continue;
            }
            if (type.equals("Task") || type.equals("Appointment") || type.equals("*")) {
                roles.add(Actor.CLINICIAN);
                roles.add(Actor.COORDINATOR);
            } else if (type.equals("ServiceRequest")) {
                roles.add(Actor.COORDINATOR);
            }
        }
        return roles;
    }

    /**
     * The actor of a request (/api or /fhir): as {@link #from}, plus, for a partner system, the roles its write
     * scopes carry ({@link #systemRoles}). Null when the token names no organisation.
     */
    static Actor acting(Jwt jwt, String requestedPurpose) {
        return acting(jwt, requestedPurpose, ClaimNames.DEFAULTS);
    }

    static Actor acting(Jwt jwt, String requestedPurpose, ClaimNames names) {
        Actor actor = from(jwt, requestedPurpose, names);
        if (actor == null) {
            return null;
        }
        Set<String> roles = new HashSet<>(actor.roles());
        roles.addAll(systemRoles(scopes(jwt)));
        String client = actor.client();
        if (client == null && jwt.getAudience() != null && jwt.getAudience().size() == 1) {
            // A client-credentials token without client_id: its audience is the client it was issued to.
            client = jwt.getAudience().get(0);
        }
        return new Actor(actor.userId(), actor.organisation(), roles, client, actor.purposeOfUse(), actor.userName());
    }

    /** A stated purpose of use that is not one of {@link PurposeOfUse#ALL}: a 400 naming the codes there are. */
    static final class UnknownPurposeOfUse extends RuntimeException {
        UnknownPurposeOfUse(String stated) {
            super("unknown purpose of use '" + (stated.length() > 64 ? stated.substring(0, 64) + "..." : stated)
                    + "': must be one of " + String.join(", ", PurposeOfUse.ALL), null, false, false);
        }
    }

    /** The actor, or null when the token names no organisation; {@link UnknownPurposeOfUse} for an unknown one. */
    static Actor from(Jwt jwt, String requestedPurpose) {
        return from(jwt, requestedPurpose, ClaimNames.DEFAULTS);
    }

    static Actor from(Jwt jwt, String requestedPurpose, ClaimNames names) {
        String org = Claims.text(jwt.getClaims(), names.organisation());
        if (org == null) {
            return null;
        }
        Set<String> roles = roles(jwt, names);
        String client = jwt.getClaimAsString("client_id");
        if (client == null) {
            client = jwt.getClaimAsString("azp");
        }
        String subject = jwt.getSubject() != null ? jwt.getSubject() : client;
        String stated = requestedPurpose != null ? requestedPurpose : jwt.getClaimAsString(PURPOSE_CLAIM);
        return new Actor(subject, org, roles, client, purpose(stated, roles), displayName(jwt, names));
    }

    /**
     * A person's name as the timeline and audit trail show it: "Dr Priya Shah, dermatologist at Riverside" (name and
     * profession); null for a service account, whose token names no person.
     */
    static String displayName(Jwt jwt, ClaimNames names) {
        String name = Claims.text(jwt.getClaims(), names.name());
        if (name == null) {
            return null;
        }
        String title = Claims.text(jwt.getClaims(), names.title());
        String shown = title == null ? name : name + ", " + title;
        // A name is a label, not a document: as long as a read-model column holds.
        return shown.length() > 255 ? shown.substring(0, 255) : shown;
    }

    /**
     * The purpose the caller states (X-Purpose-Of-Use, else the token's purpose_of_use claim); when it states
     * none, the role's usual one. A purpose that is not an HL7 ActReason code we know is refused, never guessed.
     */
    static String purpose(String stated, Set<String> roles) {
        if (stated != null) {
            if (!PurposeOfUse.isKnown(stated.strip())) {
                throw new UnknownPurposeOfUse(stated);
            }
            return stated.strip();
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
