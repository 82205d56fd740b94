package dev.careloop.api;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The patient identifier systems each organisation owns ({@code careloop.organisations.<org>.identifier-systems}):
 * an organisation names a new patient only by an identifier in one of its own systems, so no organisation can
 * assert who another organisation's MRN belongs to. A patient named by another organisation reaches it through a
 * referral, a shared record or an appointment for a referral, which carry the patient as its owner named them.
 */
public record PatientIdentifierSystems(Map<String, Set<String>> byOrganisation) {

    public PatientIdentifierSystems {
        byOrganisation = byOrganisation.entrySet().stream().collect(Collectors.toUnmodifiableMap(Map.Entry::getKey,
                e -> e.getValue().stream().map(String::trim).collect(Collectors.toUnmodifiableSet())));
    }

    /** Whether {@code organisation} may assert identifiers in {@code system}. */
    public boolean owns(String organisation, String system) {
        return system != null && ownedBy(organisation).contains(system.trim());
    }

    /** The systems {@code organisation} owns (none when it has none configured). */
    public Set<String> ownedBy(String organisation) {
        return byOrganisation.getOrDefault(organisation, Set.of());
    }

    /** The refusal a clinician reads: which systems the organisation may use instead. */
    public String refusal(String organisation, String system) {
        Set<String> own = ownedBy(organisation);
        return "'" + system + "' is not an identifier system of " + organisation + (own.isEmpty()
                ? "; it has none configured (careloop.organisations." + organisation + ".identifier-systems)"
                : "; use one of its own: " + String.join(", ", own.stream().sorted().toList()));
    }
}
