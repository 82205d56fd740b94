package dev.careloop.app.security;

import dev.careloop.api.access.AccessMatrix.Route;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One row of the access table applied by Spring Security: a bearer token whose roles or SMART system scopes the row
 * names. A refusal says who may call the route, which the 403 problem shows.
 */
final class RouteAccess implements AuthorizationManager<RequestAuthorizationContext> {

    private final Route route;

    RouteAccess(Route route) {
        this.route = route;
    }

    @Override
    public AuthorizationResult authorize(Supplier<? extends Authentication> authentication,
                                         RequestAuthorizationContext context) {
        Authentication caller = authentication.get();
        if (!(caller instanceof JwtAuthenticationToken) || !caller.isAuthenticated()) {
            return new AuthorizationDecision(false);
        }
        Set<String> roles = new HashSet<>();
        Set<String> scopes = new HashSet<>();
        for (GrantedAuthority authority : caller.getAuthorities()) {
            String name = authority.getAuthority();
            if (name == null) {
                continue;
            }
            if (name.startsWith("ROLE_")) {
                roles.add(name.substring("ROLE_".length()));
            } else if (name.startsWith("SCOPE_")) {
                scopes.add(name.substring("SCOPE_".length()));
            }
        }
        if (route.allows(roles, scopes)) {
            return new AuthorizationDecision(true);
        }
        return new Refusal(route.method() + " " + route.path() + " is for " + route.whoMay());
    }

    /** A route no row names: refused for every token. */
    static AuthorizationManager<RequestAuthorizationContext> unlisted() {
        return (authentication, context) -> {
            Authentication caller = authentication.get();
            return new Refusal(caller instanceof JwtAuthenticationToken
                    ? "no route of CareLoop matches this method and path" : null);
        };
    }

    /** A refused decision with the reason a caller reads (null: the generic one). */
    static final class Refusal extends AuthorizationDecision {
        private final String reason;

        Refusal(String reason) {
            super(false);
            this.reason = reason;
        }

        String reason() {
            return reason;
        }
    }
}
