package dev.careloop.api.partnership;

/** {@code organisation} withdrew its goal on its partnership with {@code partner}, saying why. */
public record PartnershipGoalWithdrawn(String goalId, String organisation, String partner, String reason)
        implements PartnershipGoalEvent {
}
