package dev.careloop.app.security;

import dev.careloop.api.Actor;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

import java.util.Set;

/** The role checks of the app's own operations endpoints: a 403 problem saying who may. */
public final class Roles {

    private Roles() {
    }

    /** Refuses ({@code 403}, {@code refusal} as the detail) an actor with none of {@code roles}. */
    public static void require(Actor actor, Set<String> roles, String refusal) {
        if (!actor.hasAnyRole(roles)) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN, refusal);
        }
    }
}
