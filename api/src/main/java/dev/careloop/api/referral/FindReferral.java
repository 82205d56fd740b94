package dev.careloop.api.referral;

import dev.careloop.api.Actor;

/**
 * Ask for the current view of a referral as {@code actor} may see it (the referrals of the actor's organisation, with
 * the actions the actor may take next), once its projection has handled log position {@code position} (the newest
 * event of a write; negative: at once) and shows at least {@code minVersion} (a write whose last event a process
 * manager appends after the answer).
 */
public record FindReferral(String referralId, Actor actor, long minVersion, long position) {

    /** The organisation the view is read for. */
    public String organisation() {
        return actor.organisation();
    }
}
