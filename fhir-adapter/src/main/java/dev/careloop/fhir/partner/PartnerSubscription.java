package dev.careloop.fhir.partner;

import java.time.Instant;
import java.util.List;

/**
 * A rest-hook partner as a FHIR Subscription: one that subscribed itself ({@code /fhir/Subscription}, a row in
 * fhir_subscription) or one an administrator registered (active or off, id-only, every type it asked for).
 *
 * @param status         requested, active, error or off (the R4 subscription-status codes)
 * @param filterCriteria the backport-filter-criteria, one "{type}?" per resource type it is notified of
 * @param error          why the handshake failed (status error)
 * @param version        meta.versionId: 1, and one more at each change of status
 * @param deleted        deleted by its organisation: gone from reads and searches, never delivered to again
 */
public record PartnerSubscription(Partner partner, String status, List<String> filterCriteria, String reason,
                                  Instant end, String error, long version, Instant lastUpdated, boolean deleted) {

    public static final String REQUESTED = "requested";
    public static final String ACTIVE = "active";
    public static final String ERROR = "error";
    public static final String OFF = "off";

    public PartnerSubscription {
        filterCriteria = List.copyOf(filterCriteria);
    }

    public String id() {
        return partner.id();
    }

    /** Whether an administrator registered it: it is then read-only at /fhir. */
    public boolean registeredByAdministrator() {
        return !partner.notifying().subscription();
    }
}
