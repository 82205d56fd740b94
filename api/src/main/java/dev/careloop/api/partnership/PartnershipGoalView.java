package dev.careloop.api.partnership;

import java.time.Instant;

/**
 * A partnership goal as one of the partnership's organisations sees it: {@code partner} is the other organisation
 * and {@code direction} is seen from the viewer; {@code setByOrganisation} is the one that set it (and alone may
 * withdraw it); {@code setBy} the person (or client) who did, when and why; {@code status} active or withdrawn.
 */
public record PartnershipGoalView(String goalId, long version, String partner, String measure, String comparison,
                                  double target, Integer withinDays, String priority, String service,
                                  String direction, String reason, String setByOrganisation, String setBy,
                                  Instant setAt, String status, String withdrawnBy, Instant withdrawnAt,
                                  String withdrawReason) {

    public static final String ACTIVE = "active";
    public static final String WITHDRAWN = "withdrawn";
}
