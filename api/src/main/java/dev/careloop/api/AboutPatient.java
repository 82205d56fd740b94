package dev.careloop.api;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An event about one patient: {@link #patientId()} is the platform's pseudonymous id whose key seals the event's
 * {@link ClinicalText} (null where the aggregate has no patient, or in an event written before events named one).
 */
public interface AboutPatient {

    String patientId();

    /** The names of {@code event}'s {@link ClinicalText} components (none for a class that is not a record). */
    static Set<String> clinicalTextOf(Class<?> event) {
        RecordComponent[] components = event.getRecordComponents();
        return components == null ? Set.of() : Arrays.stream(components)
                .filter(c -> c.isAnnotationPresent(ClinicalText.class))
                .map(RecordComponent::getName)
                .collect(Collectors.toUnmodifiableSet());
    }
}
