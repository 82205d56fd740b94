package dev.careloop.fhir.facade;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The resource types the facade serves and where each lives in the log. The main resources carry their
 * aggregate's id; the ones a single change makes are named {@code {aggregateId}-{version}}.
 */
enum ResourceKind {
    SERVICE_REQUEST("ServiceRequest", false, "Referral"),
    TASK("Task", false, "Referral"),
    COMMUNICATION("Communication", true, "Referral"),
    APPOINTMENT("Appointment", false, "AppointmentHandoff"),
    /** A shared record's, or a referral's feedback document ({@code {referralId}-feedback-{version}}). */
    DOCUMENT_REFERENCE("DocumentReference", false, "SharedRecord", "Referral"),
    CONSENT("Consent", false, "SharedRecord"),
    PROVENANCE("Provenance", true, "Referral", "SharedRecord", "AppointmentHandoff"),
    AUDIT_EVENT("AuditEvent", true, "SharedRecord");

    /** Where a resource's history is: the aggregate, and the one version a per-change resource has. */
    record Location(String aggregateId, Long version) {
    }

    /** The id of a referral's feedback document (ReferralMapping): {@code {referralId}-feedback-{version}}. */
    private static final Pattern FEEDBACK = Pattern.compile("(.+)-feedback-([1-9][0-9]{0,17})");

    private final String resourceType;
    private final boolean perChange;
    private final Set<String> aggregateTypes;

    ResourceKind(String resourceType, boolean perChange, String... aggregateTypes) {
        this.resourceType = resourceType;
        this.perChange = perChange;
        this.aggregateTypes = Set.of(aggregateTypes);
    }

    static ResourceKind of(String resourceType) {
        for (ResourceKind kind : values()) {
            if (kind.resourceType.equals(resourceType)) {
                return kind;
            }
        }
        return null;
    }

    String resourceType() {
        return resourceType;
    }

    boolean fromAggregate(String aggregateType) {
        // An event stored without an aggregate (a refused read) has no type: no resource lives there.
        return aggregateType != null && aggregateTypes.contains(aggregateType);
    }

    /** Null when {@code id} cannot name a resource of this kind. */
    Location locate(String id) {
        if (this == DOCUMENT_REFERENCE) {
            // The consult report a referral's outcome made: one change of the referral made it.
            Matcher feedback = FEEDBACK.matcher(id);
            return feedback.matches() ? new Location(feedback.group(1), Long.parseLong(feedback.group(2)))
                    : new Location(id, null);
        }
        if (!perChange) {
            return new Location(id, null);
        }
        int dash = id.lastIndexOf('-');
        if (dash <= 0 || dash == id.length() - 1) {
            return null;
        }
        try {
            long version = Long.parseLong(id.substring(dash + 1));
            return version < 1 ? null : new Location(id.substring(0, dash), version);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
