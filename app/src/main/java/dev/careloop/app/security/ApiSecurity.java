package dev.careloop.app.security;

import dev.careloop.api.Actor;
import dev.careloop.api.access.AccessMatrix;
import dev.careloop.api.access.AccessMatrix.Route;
import dev.careloop.app.bench.BenchFloor;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.core.convert.converter.Converter;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Every API endpoint needs a bearer token (JWT) from the configured issuer whose roles or SMART system scopes the
 * access table ({@link AccessMatrix}) names for the route; controllers receive the caller as an {@link Actor}
 * parameter (with the roles a partner's write scopes act with) and scope everything they do to its organisation.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ClaimNames.class)
class ApiSecurity implements WebMvcConfigurer {

    private final ClaimNames claims;

    ApiSecurity(ClaimNames claims) {
        this.claims = claims;
    }

    static final String PURPOSE_HEADER = "X-Purpose-Of-Use";

    @Bean
    @Order(4)
    SecurityFilterChain api(HttpSecurity http, ProblemAuthenticationEntryPoint problems, ClaimNames claims,
                            @Value("${" + BenchFloor.PROPERTY + ":false}") boolean benchFloor) throws Exception {
        http.authorizeHttpRequests(a -> {
                    // Least privilege as one table (AccessMatrix): each row is a matcher with its own decision, and a
                    // route no row names is refused.
                    for (Route route : AccessMatrix.ROUTES) {
                        var matched = route.method() == null ? a.requestMatchers(route.path())
                                : a.requestMatchers(HttpMethod.valueOf(route.method()), route.path());
                        if (route.open()) {
                            matched.permitAll();
                        } else {
                            matched.access(new RouteAccess(route));
                        }
                    }
                    // The benchmark's HTTP floor, only when it is on; off, it is a route no row names.
                    if (benchFloor) {
                        Route floor = BenchFloor.route();
                        a.requestMatchers(HttpMethod.valueOf(floor.method()), floor.path())
                                .access(new RouteAccess(floor));
                    }
                    a.anyRequest().access(RouteAccess.unlisted());
                })
                .oauth2ResourceServer(o -> o
                        .jwt(j -> j.jwtAuthenticationConverter(new RolesAndScopes(claims)))
                        .authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(c -> c.disable());
        return http.build();
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new ActorResolver(claims));
    }

    /** {@code roles} become ROLE_ authorities and {@code scope} SCOPE_ authorities. */
    static final class RolesAndScopes implements Converter<Jwt, AbstractAuthenticationToken> {
        private final ClaimNames claims;

        RolesAndScopes(ClaimNames claims) {
            this.claims = claims;
        }

        @Override
        public AbstractAuthenticationToken convert(Jwt jwt) {
            Collection<GrantedAuthority> authorities = new ArrayList<>();
            JwtActor.roles(jwt, claims).forEach(r -> authorities.add(new SimpleGrantedAuthority("ROLE_" + r)));
            JwtActor.scopes(jwt).forEach(s -> authorities.add(new SimpleGrantedAuthority("SCOPE_" + s)));
            return new JwtAuthenticationToken(jwt, authorities, jwt.getSubject());
        }
    }

    private static final class ActorResolver implements HandlerMethodArgumentResolver {
        private final ClaimNames claims;

        ActorResolver(ClaimNames claims) {
            this.claims = claims;
        }

        @Override
        public boolean supportsParameter(MethodParameter parameter) {
            return Actor.class.equals(parameter.getParameterType());
        }

        @Override
        public Actor resolveArgument(MethodParameter parameter, ModelAndViewContainer mav, NativeWebRequest request,
                                     WebDataBinderFactory binderFactory) {
            if (!(request.getUserPrincipal() instanceof JwtAuthenticationToken token)) {
                throw new ResponseStatusException(HttpStatus.UNAUTHORIZED, "a bearer token is required");
            }
            Actor actor;
            try {
                actor = JwtActor.acting(token.getToken(), request.getHeader(PURPOSE_HEADER), claims);
            } catch (JwtActor.UnknownPurposeOfUse e) {
                throw new InvalidPurposeOfUse(e.getMessage());
            }
            if (actor == null) {
                throw new ResponseStatusException(HttpStatus.FORBIDDEN,
                        "the token names no organisation (claim '" + claims.organisation() + "')");
            }
            return actor;
        }
    }
}
