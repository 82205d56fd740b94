package dev.careloop.api;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who is acting: the user (a person's subject, or the partner system / service account), the organisation they act
 * for, their roles, the client application, the purpose of use, and, for a person, the name people know them by
 * (null for a service account). Travels as message metadata so that every event records it; aggregates receive it
 * as a handler parameter.
 */
public record Actor(String userId, String organisation, Set<String> roles, String client, String purposeOfUse,
                    String userName) {

    public static final String CLINICIAN = "clinician";
    public static final String COORDINATOR = "coordinator";
    public static final String COMPLIANCE = "compliance";
    public static final String ADMIN = "admin";

    public Actor {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(organisation, "organisation");
        roles = roles == null ? Set.of() : Set.copyOf(roles);
        purposeOfUse = purposeOfUse == null ? PurposeOfUse.TREATMENT : purposeOfUse;
        userName = userName == null || userName.isBlank() ? null : userName.strip();
    }

    /** A service account or partner system: no person's name. */
    public Actor(String userId, String organisation, Set<String> roles, String client, String purposeOfUse) {
        this(userId, organisation, roles, client, purposeOfUse, null);
    }

    public boolean hasAnyRole(Set<String> wanted) {
        return wanted.stream().anyMatch(roles::contains);
    }

    public boolean actsFor(String org) {
        return organisation.equals(org);
    }

    /** Whether a person acts (someone with a name), rather than a service account or partner system. */
    public boolean isPerson() {
        return userName != null;
    }

    /**
     * Whom a timeline or audit entry names as having acted: the person by name when a person acted, else the client
     * (the service account or partner system), else the subject; null for CareLoop's own changes (deadlines).
     */
    public static String shownAs(String userName, String client, String userId) {
        return userName != null ? userName : client != null ? client : userId;
    }

    /**
     * The metadata every message sent for this actor carries (docs/COMPLIANCE.md, "The audit trail"): the one place a
     * REST command, a partner's FHIR write and a read of the audit trail are stamped with who acted.
     */
    public Map<String, Object> metaData() {
        Map<String, Object> values = new HashMap<>();
        values.put(MetadataKeys.USER, userId);
        values.put(MetadataKeys.ORGANISATION, organisation);
        values.put(MetadataKeys.ROLES, String.join(",", new TreeSet<>(roles)));
        values.put(MetadataKeys.PURPOSE_OF_USE, purposeOfUse);
        if (client != null) {
            values.put(MetadataKeys.CLIENT, client);
        }
        if (userName != null) {
            values.put(MetadataKeys.USER_NAME, userName);
        }
        return values;
    }
}
