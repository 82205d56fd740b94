package dev.careloop.api.partnership;

/**
 * Ask for a partnership goal as {@code organisation} sees it, once its projection has handled log position
 * {@code position} (negative: at once) and shows at least {@code minVersion}; null when that organisation is not
 * party to the goal's partnership.
 */
public record FindPartnershipGoal(String goalId, String organisation, long minVersion, long position) {
}
