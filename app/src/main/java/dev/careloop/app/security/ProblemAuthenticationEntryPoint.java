package dev.careloop.app.security;

import dev.careloop.app.web.EdgeAnswers;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.util.List;

/** 401 and 403 from the security filters as RFC 9457 problem+json, like every other error. */
@Component
class ProblemAuthenticationEntryPoint implements AuthenticationEntryPoint, AccessDeniedHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemAuthenticationEntryPoint.class);

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        response.setHeader("WWW-Authenticate", "Bearer");
        EdgeAnswers.write(response, request.getRequestURI(), HttpStatus.UNAUTHORIZED.value(),
                "a valid bearer token is required", List.of());
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        String detail = "this token may not do that";
        if (e instanceof AuthorizationDeniedException denied
                && denied.getAuthorizationResult() instanceof RouteAccess.Refusal refusal && refusal.reason() != null) {
            detail = refusal.reason();
            // The route's pattern, not the raw path: nothing the caller typed reaches the log.
            log.info("Refused by the access table: {} (caller {})", detail,
                    request.getUserPrincipal() == null ? "unknown" : request.getUserPrincipal().getName());
        }
        EdgeAnswers.write(response, request.getRequestURI(), HttpStatus.FORBIDDEN.value(), detail, List.of());
    }
}
