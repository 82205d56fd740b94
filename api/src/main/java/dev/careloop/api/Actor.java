package dev.careloop.api;

import java.util.Objects;
import java.util.Set;

/**
 * Who is acting: the user (or partner system), the organisation they act for, their roles,
 * the client application, and the purpose of use. Travels as message metadata so that every
 * event records it; aggregates receive it as a handler parameter.
 */
public record Actor(String userId, String organisation, Set<String> roles, String client, String purposeOfUse) {

    public static final String CLINICIAN = "clinician";
    public static final String COORDINATOR = "coordinator";
    public static final String COMPLIANCE = "compliance";
    public static final String ADMIN = "admin";

    public Actor {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(organisation, "organisation");
        roles = roles == null ? Set.of() : Set.copyOf(roles);
        purposeOfUse = purposeOfUse == null ? PurposeOfUse.TREATMENT : purposeOfUse;
    }

    public boolean hasAnyRole(Set<String> wanted) {
        return wanted.stream().anyMatch(roles::contains);
    }

    public boolean actsFor(String org) {
        return organisation.equals(org);
    }
}
