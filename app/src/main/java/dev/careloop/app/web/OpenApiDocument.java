package dev.careloop.app.web;

import dev.careloop.api.Actor;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.OAuthFlow;
import io.swagger.v3.oas.models.security.OAuthFlows;
import io.swagger.v3.oas.models.security.Scopes;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;

/**
 * The OpenAPI document's security (docs/API.md; open without a token: docs/ACCESS.md): a bearer JWT from any issuer,
 * and the OAuth2 flows of the issuer (by default the local one: authorization code with PKCE for persons through the
 * public client careloop-web, client credentials for service accounts), so that Swagger UI's Authorize gets a token.
 * The caller ({@link Actor}) is resolved from the token, never sent by the client: it is no parameter of any operation.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiDocument {

    static final String BEARER = "bearer-jwt";
    static final String OAUTH2 = "careloop-oauth2";

    static {
        // The Actor method parameter of every controller: the server's own view of the token, not a request field.
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(Actor.class);
    }

    @Bean
    OpenAPI careLoopOpenApi(@Value("${careloop.openapi.authorization-url:/oauth2/authorize}") String authorizationUrl,
                            @Value("${careloop.openapi.token-url:/oauth2/token}") String tokenUrl) {
        Scopes personScopes = new Scopes()
                .addString("openid", "sign in with OpenID Connect")
                .addString("profile", "your name, as the audit trail shows it");
        return new OpenAPI()
                .info(new Info().title("CareLoop API").version("v1").description(
                        "Closed-loop referrals, shared records and appointment hand-offs between clinics. Every "
                                + "call needs a bearer token whose organisation and roles the access table allows "
                                + "(docs/ACCESS.md)."))
                .components(new Components()
                        .addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP)
                                .scheme("bearer").bearerFormat("JWT")
                                .description("An access token from the configured issuer"))
                        .addSecuritySchemes(OAUTH2, new SecurityScheme().type(SecurityScheme.Type.OAUTH2)
                                .description("The issuer's flows: persons log in (authorization code with PKCE, "
                                        + "client careloop-web); service accounts use client credentials")
                                .flows(new OAuthFlows()
                                        .authorizationCode(new OAuthFlow().authorizationUrl(authorizationUrl)
                                                .tokenUrl(tokenUrl).scopes(personScopes))
                                        .clientCredentials(new OAuthFlow().tokenUrl(tokenUrl)
                                                .scopes(new Scopes())))))
                .addSecurityItem(new SecurityRequirement().addList(BEARER))
                .addSecurityItem(new SecurityRequirement().addList(OAUTH2, List.of("openid", "profile")));
    }
}
