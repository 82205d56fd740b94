package dev.careloop.app.security;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import dev.careloop.api.Actor;
import dev.careloop.app.web.EdgeAnswers;
import dev.careloop.fhir.facade.FhirCaller;
import dev.careloop.fhir.facade.FhirCallers;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.SecurityFilterChain;

import java.util.List;
import java.util.Optional;

/**
 * The FHIR facade's security: a bearer token for everything under {@code /fhir} but the CapabilityStatement,
 * errors as OperationOutcome (what a FHIR client reads), and the caller handed to the facade, which checks the
 * SMART scopes per resource type and interaction ({@link FhirCaller}).
 */
@Configuration(proxyBeanMethods = false)
class FhirSecurity {

    @Bean
    @Order(2)
    SecurityFilterChain fhir(HttpSecurity http, ClaimNames claims) throws Exception {
        http.securityMatcher("/fhir/**")
                .authorizeHttpRequests(a -> a
                        .requestMatchers(HttpMethod.GET, "/fhir/metadata").permitAll()
                        .requestMatchers(HttpMethod.GET, "/fhir/.well-known/smart-configuration").permitAll()
                        .anyRequest().authenticated())
                .oauth2ResourceServer(o -> o
                        .jwt(j -> j.jwtAuthenticationConverter(new ApiSecurity.RolesAndScopes(claims)))
                        .authenticationEntryPoint((request, response, e) -> {
                            response.setHeader("WWW-Authenticate", "Bearer");
                            EdgeAnswers.write(response, "/fhir", 401, "a valid bearer token is required", List.of());
                        })
                        .accessDeniedHandler((request, response, e) ->
                                EdgeAnswers.write(response, "/fhir", 403, "this token may not do that", List.of())))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(c -> c.disable());
        return http.build();
    }

    /** The caller from the request's bearer token: its organisation, roles (with a system client's) and scopes. */
    @Bean
    FhirCallers fhirCallers(ClaimNames claims) {
        return new JwtCallers(claims);
    }

    private static final class JwtCallers implements FhirCallers {
        private final ClaimNames claims;

        JwtCallers(ClaimNames claims) {
            this.claims = claims;
        }

        @Override
        public Optional<FhirCaller> current(HttpServletRequest request) {
            Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
            if (!(authentication instanceof JwtAuthenticationToken token)) {
                return Optional.empty();
            }
            Actor actor;
            try {
                actor = JwtActor.acting(token.getToken(), request.getHeader(ApiSecurity.PURPOSE_HEADER), claims);
            } catch (JwtActor.UnknownPurposeOfUse e) {
                // An OperationOutcome 400 from the facade, before anything is read.
                throw new InvalidRequestException(ApiSecurity.PURPOSE_HEADER + ": " + e.getMessage());
            }
            return Optional.ofNullable(actor).map(a -> new FhirCaller(a, JwtActor.scopes(token.getToken())));
        }
    }
}
