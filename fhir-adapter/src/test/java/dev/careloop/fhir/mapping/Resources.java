package dev.careloop.fhir.mapping;

import org.hl7.fhir.r4.model.Resource;

import java.util.List;

/** Picks resources out of a change. */
final class Resources {
    private Resources() {
    }

    static <R extends Resource> R one(FhirChange change, Class<R> type) {
        List<R> found = all(change, type);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type.getSimpleName() + " in " + change + ", found " + found.size());
        }
        return found.get(0);
    }

    static <R extends Resource> List<R> all(FhirChange change, Class<R> type) {
        return change.resources().stream().filter(type::isInstance).map(type::cast).toList();
    }
}
