package dev.careloop.web;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Which ID token claims carry organisation, roles, name and title ({@code careloop.security.claims.*}, the names the API
 * reads too; {@link dev.careloop.api.access.Claims} reads them).
 */
@Component
class WebClaims {

    private final String organisation;
    private final String roles;
    private final String name;
    private final String title;

    WebClaims(@Value("${careloop.security.claims.organisation:org}") String organisation,
              @Value("${careloop.security.claims.roles:roles}") String roles,
              @Value("${careloop.security.claims.name:name}") String name,
              @Value("${careloop.security.claims.title:title}") String title) {
        this.organisation = organisation;
        this.roles = roles;
        this.name = name;
        this.title = title;
    }

    String organisation() {
        return organisation;
    }

    String roles() {
        return roles;
    }

    String name() {
        return name;
    }

    String title() {
        return title;
    }
}
