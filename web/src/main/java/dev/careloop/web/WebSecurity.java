package dev.careloop.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.client.oidc.web.logout.OidcClientInitiatedLogoutSuccessHandler;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * The browser's side of the process: every path the API, FHIR, actuator, API documentation and the issuer do not
 * own. Persons log in with OpenID Connect (authorization code with PKCE); the page session keeps their tokens, and
 * pages call the REST API with them. Chains with a lower order (actuator, issuer, FHIR) are matched first; the
 * API's chain, which refuses any route its access table does not name, comes after this one.
 */
@Configuration(proxyBeanMethods = false)
class WebSecurity {

    /** The session attribute of the web login: the issuer's own login shares the session and keeps the default. */
    static final String CONTEXT_ATTRIBUTE = "CARELOOP_WEB_SECURITY_CONTEXT";

    /**
     * No inline script or style anywhere (htmx is told not to add its indicator style), no framing, and forms post
     * back here or to the issuer's logout.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
            + "frame-ancestors 'none'";

    /** The paths other chains own: the API, FHIR, operations, API documentation and the issuer. */
    private static final List<String> NOT_WEB_PATHS = List.of("/api/**", "/fhir/**", "/actuator/**",
            "/v3/api-docs/**", "/v3/api-docs", "/swagger-ui/**", "/swagger-ui.html", "/oauth2/**", "/.well-known/**",
            "/connect/**", "/userinfo", "/login", "/logout", "/default-ui.css");

    private static final RequestMatcher NOT_WEB = new OrRequestMatcher(NOT_WEB_PATHS.stream()
            .map(path -> (RequestMatcher) PathPatternRequestMatcher.withDefaults().matcher(path)).toList());

    /** The person's tokens live in their page session only: gone at sign-out or idle timeout, never in a shared map. */
    @Bean
    org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository personTokens() {
        return new org.springframework.security.oauth2.client.web.HttpSessionOAuth2AuthorizedClientRepository();
    }

    @Bean
    @Order(3)
    SecurityFilterChain webPages(HttpSecurity http, WebLogin login, WebSettings settings,
            org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository personTokens)
            throws Exception {
        HttpSessionSecurityContextRepository contexts = new HttpSessionSecurityContextRepository();
        contexts.setSpringSecurityContextKey(CONTEXT_ATTRIBUTE);
        OidcClientInitiatedLogoutSuccessHandler endAtIssuer = new OidcClientInitiatedLogoutSuccessHandler(login);
        endAtIssuer.setPostLogoutRedirectUri("{baseUrl}/");
        http.securityMatcher(new NegatedRequestMatcher(NOT_WEB))
                .securityContext(c -> c.securityContextRepository(contexts))
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/assets/**", "/webjars/**", "/favicon.ico", "/error").permitAll()
                        // The end of a live stream (/notifications/stream) is an async dispatch of a request that
                        // was authorised when it began; without this it is refused after the response is committed.
                        .dispatcherTypeMatchers(jakarta.servlet.DispatcherType.ASYNC).permitAll()
                        .anyRequest().authenticated())
                .oauth2Login(o -> o
                        .clientRegistrationRepository(login)
                        .authorizedClientRepository(personTokens)
                        .loginPage(SignIn.START)
                        .authorizationEndpoint(e -> e.baseUri(SignIn.BASE))
                        .redirectionEndpoint(r -> r.baseUri("/login/oauth2/code/*"))
                        .defaultSuccessUrl("/", false))
                .exceptionHandling(e -> e.authenticationEntryPoint(new SignIn()))
                // Ends the page session here and the person's session at the issuer.
                .logout(l -> l.logoutRequestMatcher(PathPatternRequestMatcher.withDefaults()
                                .matcher(org.springframework.http.HttpMethod.POST, "/signout"))
                        .logoutSuccessHandler(endAtIssuer))
                .headers(h -> h
                        .contentSecurityPolicy(c -> c.policyDirectives(CONTENT_SECURITY_POLICY))
                        .frameOptions(f -> f.deny())
                        .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN)))
                .addFilterBefore(new OneLoopbackName(settings.publicHost()),
                        org.springframework.security.web.context.SecurityContextHolderFilter.class);
        return http.build();
    }

    /**
     * The local issuer accepts redirect URIs on 127.0.0.1 only, so a person who opens http://localhost:8080 is sent
     * to the same page on the public host first; the session cookie then lives on one name.
     */
    static final class OneLoopbackName extends OncePerRequestFilter {
        private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");
        private final String publicHost;

        OneLoopbackName(String publicHost) {
            this.publicHost = publicHost;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            String host = request.getServerName();
            if (LOOPBACK.contains(host) && LOOPBACK.contains(publicHost) && !host.equals(publicHost)
                    && "GET".equals(request.getMethod())) {
                response.sendRedirect(request.getScheme() + "://" + publicHost + ":" + request.getServerPort()
                        + request.getRequestURI());
                return;
            }
            chain.doFilter(request, response);
        }
    }
}
