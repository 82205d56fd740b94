package dev.careloop.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;

import java.io.IOException;

/**
 * Where a person without a page session goes: straight to the identity provider (there is no second login form
 * here). An htmx request cannot follow a redirect to another page, so it is told to load the sign-in page itself.
 */
final class SignIn implements AuthenticationEntryPoint {

    /** The start of a login (Spring Security's authorization request endpoint, moved off the issuer's /oauth2). */
    static final String BASE = "/signin";
    static final String START = BASE + "/" + WebLogin.REGISTRATION;

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
            throws IOException {
        String target = request.getContextPath() + START;
        if (Htmx.isHtmx(request)) {
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            response.setHeader("HX-Redirect", target);
            return;
        }
        response.sendRedirect(target);
    }
}
