package dev.careloop.web.compliance;

import java.util.stream.Stream;

/**
 * What a patient's access history asks the audit trail for: the reads of their data (the access log's
 * {@code ReadAccess}), the events (every change, and the reads of the trail itself), or both merged in time order
 * ({@code ReadAccess,*}).
 */
enum TrailTypes {
    ALL("all", "Reads and changes", "ReadAccess,*"),
    READS("reads", "Reads only", "ReadAccess"),
    WRITES("writes", "Changes only", null);

    private final String code;
    private final String label;
    private final String type;

    TrailTypes(String code, String label, String type) {
        this.code = code;
        this.label = label;
        this.type = type;
    }

    public String code() {
        return code;
    }

    public String label() {
        return label;
    }

    /** The audit search's {@code type}; null for the events alone (the search's default). */
    String type() {
        return type;
    }

    static TrailTypes of(String code) {
        return Stream.of(values()).filter(v -> v.code.equals(code)).findFirst().orElse(ALL);
    }
}
