package dev.careloop.fhir.facade;

import dev.careloop.api.Actor;
import dev.careloop.api.access.AccessMatrix;
import dev.careloop.api.access.SmartScope;

import java.util.Set;

/**
 * Who calls {@code /fhir}: the actor (its organisation bounds everything it may see) and the SMART scopes of
 * its token. What it may read or write per resource type is the FHIR part of the one access table,
 * {@link AccessMatrix#FHIR}: a partner system needs {@code system/Task.read}, {@code system/Task.write}... (SMART v1;
 * {@code system/*.read} and the v2 letters {@code system/Task.rs} / {@code .cu} are understood too); clinic staff
 * (a user token with a clinical role and no system scopes) read, for their own organisation, and write through the
 * REST API; a compliance officer reads Provenance and AuditEvent.
 */
public record FhirCaller(Actor actor, Set<String> scopes) {

    public enum Access {
        READ, WRITE
    }

    public FhirCaller {
        scopes = scopes == null ? Set.of() : Set.copyOf(scopes);
    }

    public String organisation() {
        return actor.organisation();
    }

    /** Whether this caller may {@code access} resources of {@code resourceType}. */
    public boolean may(String resourceType, Access access) {
        // The actor's roles include those a partner's write scopes act with; the table judges a system token by its
        // scopes alone, so those derived roles never widen what it may read.
        return AccessMatrix.allowsFhir(resourceType, access == Access.READ ? SmartScope.Interaction.READ
                : SmartScope.Interaction.WRITE, actor.roles(), scopes);
    }
}
