package dev.careloop.api.access;

import dev.careloop.api.Actor;

import java.util.List;
import java.util.Objects;

/**
 * One read of patient data for the access log: who ({@code actor}: subject, person's name or client, organisation,
 * roles, purpose of use), through which edge, what (a resource type and id, or for a list or search the query and the
 * ids it returned), about which patient (the platform's pseudonymous id, when the read names one), and whether it was
 * allowed (a refusal says why, in the policy's words; the caller was told only "no such ...").
 *
 * @param channel    {@code rest} or {@code fhir} (or {@code web} for a page that reads through neither)
 * @param query      the list's or search's parameters as the caller sent them (null for a read by id)
 * @param returnedIds the ids a list or search returned, in order (empty for a read by id)
 */
public record ReadAccess(Actor actor, String channel, Action action, String resourceType, String resourceId,
                         String query, List<String> returnedIds, String patientId, boolean allowed, String reason) {

    public static final String REST = "rest";
    public static final String FHIR = "fhir";

    /** BALP's AuditEvent.action: R a read of one resource, E a search (a query). */
    public enum Action {
        READ("R"), SEARCH("E");

        public final String code;

        Action(String code) {
            this.code = code;
        }
    }

    public ReadAccess {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(resourceType, "resourceType");
        returnedIds = returnedIds == null ? List.of() : List.copyOf(returnedIds);
    }

    /** An allowed read of one resource. */
    public static ReadAccess read(Actor actor, String channel, String resourceType, String id, String patientId) {
        return new ReadAccess(actor, channel, Action.READ, resourceType, id, null, List.of(), patientId, true, null);
    }

    /** A refused read of one resource: {@code reason} is what the policy decided (the caller saw a 404). */
    public static ReadAccess refused(Actor actor, String channel, String resourceType, String id, String reason) {
        return new ReadAccess(actor, channel, Action.READ, resourceType, id, null, List.of(), null, false, reason);
    }

    /** A list or search: the query and the ids it returned. */
    public static ReadAccess search(Actor actor, String channel, String resourceType, String query,
                                    List<String> returnedIds, String patientId) {
        return new ReadAccess(actor, channel, Action.SEARCH, resourceType, null, query, returnedIds, patientId, true,
                null);
    }

    /** A refused list or search (it named something the caller may not see): the query, and why; nothing returned. */
    public static ReadAccess refusedSearch(Actor actor, String channel, String resourceType, String query,
                                           String reason) {
        return new ReadAccess(actor, channel, Action.SEARCH, resourceType, null, query, List.of(), null, false, reason);
    }
}
