package dev.careloop.fhir.facade;

import dev.careloop.api.Actor;

import java.util.Set;

/**
 * Who calls {@code /fhir}: the actor (its organisation bounds everything it may see) and the SMART scopes of
 * its token. A partner system is granted per resource type and interaction, {@code system/Task.read},
 * {@code system/Task.write} (SMART v1; {@code system/*.read} and the v2 letters {@code system/Task.rs} /
 * {@code .cu} are understood too). Clinic staff (a user token with a clinical or compliance role and no system
 * scopes) may read every type the facade serves, for their own organisation, and write through the REST API.
 */
public record FhirCaller(Actor actor, Set<String> scopes) {

    public enum Access {
        READ, WRITE
    }

    private static final Set<String> READING_ROLES = Set.of(Actor.CLINICIAN, Actor.COORDINATOR, Actor.COMPLIANCE);

    public FhirCaller {
        scopes = scopes == null ? Set.of() : Set.copyOf(scopes);
    }

    public String organisation() {
        return actor.organisation();
    }

    /** Whether this caller may {@code access} resources of {@code resourceType}. */
    public boolean may(String resourceType, Access access) {
        if (access == Access.READ && isStaff()) {
            return true;
        }
        return scopes.stream().anyMatch(scope -> grants(scope, resourceType, access));
    }

    /** A person of a clinic, not a partner system: no system scopes, and a role that reads clinical data. */
    public boolean isStaff() {
        return scopes.stream().noneMatch(s -> s.startsWith("system/")) && actor.hasAnyRole(READING_ROLES);
    }

    static boolean grants(String scope, String resourceType, Access access) {
        if (!scope.startsWith("system/")) {
            return false;
        }
        int dot = scope.lastIndexOf('.');
        if (dot < 0) {
            return false;
        }
        String type = scope.substring("system/".length(), dot);
        String rights = scope.substring(dot + 1);
        if (!type.equals("*") && !type.equals(resourceType)) {
            return false;
        }
        return switch (rights) {
            case "*" -> true;
            case "read" -> access == Access.READ;
            case "write" -> access == Access.WRITE;
            default -> rights.matches("c?r?u?d?s?") && (access == Access.READ
                    ? rights.contains("r") || rights.contains("s")
                    : rights.contains("c") || rights.contains("u"));
        };
    }
}
