package dev.careloop.app.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which claims of an access token carry the organisation, the roles, the person's display name and their
 * profession (careloop.security.claims.*), so that any OpenID Connect provider works: the defaults are what the
 * local issuer writes; Keycloak, Entra ID or Okta name them as their mappers do (docs/CONFIGURATION.md, "Any
 * OpenID Connect provider"). A name with dots ({@code realm_access.roles}) is a path into nested claims ({@link
 * dev.careloop.api.access.Claims}, which reads them).
 */
@ConfigurationProperties("careloop.security.claims")
record ClaimNames(@DefaultValue("org") String organisation, @DefaultValue("roles") String roles,
                  @DefaultValue("name") String name, @DefaultValue("title") String title) {

    static final ClaimNames DEFAULTS = new ClaimNames("org", "roles", "name", "title");
}
