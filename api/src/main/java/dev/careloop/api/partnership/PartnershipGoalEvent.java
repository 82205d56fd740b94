package dev.careloop.api.partnership;

/** An event of a partnership goal: the goal, the organisation that set it and its partner. */
public interface PartnershipGoalEvent {

    String goalId();

    String organisation();

    String partner();
}
