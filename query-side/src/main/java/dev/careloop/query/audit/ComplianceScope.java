package dev.careloop.query.audit;

import dev.careloop.api.Actor;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;

import java.util.Collection;

/**
 * Who may read the audit trail, and how much of it: a caller with the {@code compliance} role, scoped to their
 * organisation (entries it acted in, and every entry of an aggregate it is or was party to); or, when the token's
 * organisation is the platform's own ({@code careloop.audit.platform-organisation}, "careloop" by default), all of it.
 */
@Component
public class ComplianceScope {

    private final String platformOrganisation;

    ComplianceScope(@Value("${careloop.audit.platform-organisation:careloop}") String platformOrganisation) {
        this.platformOrganisation = platformOrganisation;
    }

    /** One officer's view of the trail. */
    public record Officer(Actor actor, boolean platformWide) {

        public String organisation() {
            return actor.organisation();
        }

        /** May this officer see an aggregate with these parties? */
        public boolean covers(Collection<String> parties) {
            return platformWide || parties.contains(actor.organisation());
        }
    }

    /** The caller as a compliance officer; 403 for anyone without the compliance role. */
    public Officer of(Actor actor) {
        if (!actor.roles().contains(Actor.COMPLIANCE)) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN, "the audit trail is for compliance officers");
        }
        return new Officer(actor, platformOrganisation.equals(actor.organisation()));
    }
}
