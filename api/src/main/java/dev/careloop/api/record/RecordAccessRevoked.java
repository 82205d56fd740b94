package dev.careloop.api.record;

/** The sharing clinic withdrew {@code organisation}'s access. */
public record RecordAccessRevoked(String recordId, String organisation, String reason) implements RecordEvent {
}
