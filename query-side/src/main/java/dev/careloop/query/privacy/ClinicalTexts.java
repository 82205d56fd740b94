package dev.careloop.query.privacy;

import dev.careloop.api.AboutPatient;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AssignableTypeFilter;
import org.springframework.stereotype.Component;
import org.springframework.util.ClassUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which properties of each event type are clinical text ({@link dev.careloop.api.ClinicalText}), by the type's
 * simple name as the journals and the audit trail record it: every {@link AboutPatient} event of the API.
 */
@Component
public class ClinicalTexts {

    private final Map<String, Set<String>> byEventType = new HashMap<>();

    public ClinicalTexts() {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AssignableTypeFilter(AboutPatient.class));
        for (BeanDefinition candidate : scanner.findCandidateComponents(AboutPatient.class.getPackageName())) {
            Class<?> type = ClassUtils.resolveClassName(candidate.getBeanClassName(), getClass().getClassLoader());
            Set<String> texts = AboutPatient.clinicalTextOf(type);
            if (byEventType.put(type.getSimpleName(), texts) != null) {
                throw new IllegalStateException("two events named " + type.getSimpleName());
            }
        }
    }

    /** The clinical text properties of the event type named so; none for any other. */
    public Set<String> of(String eventType) {
        return byEventType.getOrDefault(eventType, Set.of());
    }

    /**
     * Replaces the clinical text in an event's JSON (an entry's details) with the placeholder, as the event reads
     * after erasure; answers whether anything changed.
     */
    public boolean erase(String eventType, ObjectNode details) {
        boolean changed = false;
        for (String property : of(eventType)) {
            JsonNode value = details.get(property);
            if (value != null && value.isString() && PatientScrub.unerased(null, value.asString())) {
                details.put(property, PatientScrub.erased(value.asString()));
                changed = true;
            }
        }
        return changed;
    }
}
