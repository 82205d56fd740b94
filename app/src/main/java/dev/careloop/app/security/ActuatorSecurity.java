package dev.careloop.app.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The operations endpoints: {@code /actuator/health} (and its probes) open to anyone, with the status only;
 * {@code /actuator/prometheus} for a bearer token with the {@code admin} role or the {@code metrics} scope (a
 * monitoring client such as the local issuer's {@code careloop-metrics}); nothing else.
 */
@Configuration(proxyBeanMethods = false)
class ActuatorSecurity {

    static final String METRICS_SCOPE = "metrics";

    @Bean
    @Order(0)
    SecurityFilterChain actuator(HttpSecurity http, ProblemAuthenticationEntryPoint problems, ClaimNames claims)
            throws Exception {
        http.securityMatcher("/actuator/**")
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .requestMatchers("/actuator/prometheus")
                        .hasAnyAuthority("ROLE_admin", "SCOPE_" + METRICS_SCOPE)
                        .anyRequest().denyAll())
                .oauth2ResourceServer(o -> o
                        .jwt(j -> j.jwtAuthenticationConverter(new ApiSecurity.RolesAndScopes(claims)))
                        .authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(c -> c.disable());
        return http.build();
    }
}
