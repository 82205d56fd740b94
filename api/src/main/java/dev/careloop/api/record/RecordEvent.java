package dev.careloop.api.record;

/** Every shared-record event names its record. */
public interface RecordEvent {
    String recordId();
}
