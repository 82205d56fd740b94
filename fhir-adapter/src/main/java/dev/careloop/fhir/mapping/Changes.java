package dev.careloop.fhir.mapping;

import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

final class Changes {
    private Changes() {
    }

    /** Sorted, so that the same history gives the same change in every JVM (Set.of iterates in a random order). */
    static Set<String> sorted(Collection<String> organisations) {
        TreeSet<String> sorted = new TreeSet<>();
        organisations.stream().filter(Objects::nonNull).forEach(sorted::add);
        return Collections.unmodifiableSet(sorted);
    }
}
