package dev.careloop.query.analytics;

import dev.careloop.api.partnership.GoalDirection;
import dev.careloop.api.partnership.PartnershipGoalView;
import dev.careloop.query.replay.RowTable;

import java.time.Instant;

import static dev.careloop.query.replay.RowValues.instant;
import static dev.careloop.query.replay.RowValues.stored;

/** A partnership goal as partnership_goal keeps it; {@code direction} seen from {@code organisation}, who set it. */
record PartnershipGoalRow(String goalId, long version, String organisation, String partnerOrg, String measure,
                          String comparison, double target, Integer withinDays, String priority, String service,
                          String direction, String reason, String setBy, Instant setAt, String withdrawnBy,
                          Instant withdrawnAt, String withdrawReason) {

    static final RowTable<PartnershipGoalRow> TABLE = RowTable.<PartnershipGoalRow>named("partnership_goal")
            .column("goal_id", PartnershipGoalRow::goalId)
            .column("version", PartnershipGoalRow::version)
            .column("organisation", PartnershipGoalRow::organisation)
            .column("partner_org", PartnershipGoalRow::partnerOrg)
            .column("measure", PartnershipGoalRow::measure)
            .column("comparison", PartnershipGoalRow::comparison)
            .column("target", PartnershipGoalRow::target)
            .column("within_days", PartnershipGoalRow::withinDays)
            .column("priority", PartnershipGoalRow::priority)
            .column("service", PartnershipGoalRow::service)
            .column("direction", PartnershipGoalRow::direction)
            .column("reason", PartnershipGoalRow::reason)
            .column("set_by", PartnershipGoalRow::setBy)
            .column("set_at", PartnershipGoalRow::setAt)
            .column("withdrawn_by", PartnershipGoalRow::withdrawnBy)
            .column("withdrawn_at", PartnershipGoalRow::withdrawnAt)
            .column("withdraw_reason", PartnershipGoalRow::withdrawReason)
            .key("goal_id")
            .reader(rs -> new PartnershipGoalRow(rs.getString("goal_id"), rs.getLong("version"),
                    rs.getString("organisation"), rs.getString("partner_org"), rs.getString("measure"),
                    rs.getString("comparison"), rs.getDouble("target"), rs.getObject("within_days", Integer.class),
                    rs.getString("priority"), rs.getString("service"), rs.getString("direction"),
                    rs.getString("reason"), rs.getString("set_by"), instant(rs, "set_at"),
                    rs.getString("withdrawn_by"), instant(rs, "withdrawn_at"), rs.getString("withdraw_reason")));

    PartnershipGoalRow withdrawn(long sequence, String by, Instant at, String why) {
        return new PartnershipGoalRow(goalId, sequence, organisation, partnerOrg, measure, comparison, target,
                withinDays, priority, service, direction, reason, setBy, setAt, by, stored(at), why);
    }

    boolean active() {
        return withdrawnAt == null;
    }

    /** Whether {@code org} is one of the goal's partnership. */
    boolean partyIs(String org) {
        return organisation.equals(org) || partnerOrg.equals(org);
    }

    /** The goal's direction as {@code viewer} (one of its two organisations) sees it. */
    GoalDirection directionFor(String viewer) {
        GoalDirection d = GoalDirection.ofCode(direction);
        return organisation.equals(viewer) ? d : d.seenByPartner();
    }

    /** The goal as {@code viewer} (one of its two organisations) sees it. */
    PartnershipGoalView view(String viewer) {
        return new PartnershipGoalView(goalId, version, organisation.equals(viewer) ? partnerOrg : organisation,
                measure, comparison, target, withinDays, priority, service, directionFor(viewer).code(), reason,
                organisation, setBy, setAt, active() ? PartnershipGoalView.ACTIVE : PartnershipGoalView.WITHDRAWN,
                withdrawnBy, withdrawnAt, withdrawReason);
    }
}
