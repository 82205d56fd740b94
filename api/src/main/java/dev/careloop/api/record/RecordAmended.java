package dev.careloop.api.record;

/** A new version of the record's document; the earlier versions stay readable by number. */
public record RecordAmended(String recordId, int version, RecordContent content, String title, String description,
                            String reason) implements RecordEvent {
}
