package dev.careloop.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.ClientAuthorizationRequiredException;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.util.UriComponentsBuilder;

import java.io.InputStream;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * CareLoop's REST API as the signed-in person: every page reads and writes through it with the person's own access
 * token, so the browser gets exactly the API's validation, refusals, access table, audit and If-Match checks, and
 * there is no second path around the aggregates. Refusals arrive as {@link ApiProblem}.
 */
@Component
public class CareLoopApi {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };
    private static final ParameterizedTypeReference<List<Map<String, Object>>> JSON_LIST =
            new ParameterizedTypeReference<>() {
            };

    private final RestClient rest;
    private final WebSettings settings;
    private final WebLogin login;
    private final OAuth2AuthorizedClientManager tokens;
    private final OAuth2AuthorizedClientRepository authorizedClients;

    CareLoopApi(RestClient.Builder builder, WebSettings settings, WebLogin login,
                OAuth2AuthorizedClientRepository authorizedClients) {
        this.settings = settings;
        this.login = login;
        this.authorizedClients = authorizedClients;
        SimpleClientHttpRequestFactory requests = new SimpleClientHttpRequestFactory();
        requests.setConnectTimeout(settings.apiTimeout());
        requests.setReadTimeout(settings.apiTimeout());
        this.rest = builder.clone().requestFactory(requests).build();
        DefaultOAuth2AuthorizedClientManager manager = new DefaultOAuth2AuthorizedClientManager(login,
                authorizedClients);
        manager.setAuthorizedClientProvider(OAuth2AuthorizedClientProviderBuilder.builder()
                .authorizationCode().refreshToken().build());
        this.tokens = manager;
    }

    /** A write's answer: its status, the resource's new version (ETag) and its body. */
    public record Written(int status, Long version, String location, Map<String, Object> body) {
    }

    /** GET a JSON object; {@code query} pairs with a null or blank value are left out. */
    public Map<String, Object> get(String path, Map<String, ?> query) {
        return rest.get().uri(uri(path, query)).headers(this::authorise).accept(MediaType.APPLICATION_JSON)
                .retrieve().onStatus(HttpStatusCode::isError, (req, res) -> {
                    throw refused(res.getStatusCode().value(), res.getBody());
                }).body(JSON);
    }

    public Map<String, Object> get(String path) {
        return get(path, Map.of());
    }

    /** GET a JSON array. */
    public List<Map<String, Object>> list(String path, Map<String, ?> query) {
        return rest.get().uri(uri(path, query)).headers(this::authorise).accept(MediaType.APPLICATION_JSON)
                .retrieve().onStatus(HttpStatusCode::isError, (req, res) -> {
                    throw refused(res.getStatusCode().value(), res.getBody());
                }).body(JSON_LIST);
    }

    /**
     * POST a JSON body (or none) as the person.
     *
     * @param version        the version the page showed (If-Match), or null
     * @param idempotencyKey the key the form was rendered with, so a double submit does the work once; or null
     */
    public Written post(String path, Object body, Long version, String idempotencyKey) {
        return write(rest.post(), path, body, version, idempotencyKey);
    }

    public Written put(String path, Object body, Long version, String idempotencyKey) {
        return write(rest.put(), path, body, version, idempotencyKey);
    }

    /** A DELETE that says why ({"reason": ...}), as withdrawing a partnership goal does. */
    public Written delete(String path, Object body, Long version, String idempotencyKey) {
        return write(rest.method(org.springframework.http.HttpMethod.DELETE), path, body, version, idempotencyKey);
    }

    public Written delete(String path, Long version, String idempotencyKey) {
        return rest.delete().uri(uri(path, Map.of())).headers(h -> {
                    authorise(h);
                    conditions(h, version, idempotencyKey);
                }).exchange((req, res) -> {
                    int status = res.getStatusCode().value();
                    if (status >= 400) {
                        throw refused(status, res.getBody());
                    }
                    return new Written(status, version(res.getHeaders()), res.getHeaders().getFirst(
                            HttpHeaders.LOCATION), Map.of());
                });
    }

    /** Streams a binary answer (a record's content) to the consumer with its headers. */
    public void download(String path, Consumer<Download> consumer) {
        download(path, Map.of(), consumer);
    }

    /** Streams a binary answer (an export) to the consumer; {@code query} pairs with a blank value are left out. */
    public void download(String path, Map<String, ?> query, Consumer<Download> consumer) {
        download(path, query, null, consumer);
    }

    /** Streams an answer asked for in one media type (a route that answers JSON or CSV by Accept). */
    public void download(String path, Map<String, ?> query, MediaType accept, Consumer<Download> consumer) {
        rest.get().uri(uri(path, query)).headers(h -> {
            authorise(h);
            if (accept != null) {
                h.setAccept(List.of(accept));
            }
        }).exchange((req, res) -> {
            int status = res.getStatusCode().value();
            if (status >= 400) {
                throw refused(status, res.getBody());
            }
            consumer.accept(new Download(res.getHeaders(), res.getBody()));
            return null;
        });
    }

    /** A binary answer's headers and body. */
    public record Download(HttpHeaders headers, InputStream body) {
    }

    /** PUT raw bytes (a record's content) with their media type; answers the API's JSON. */
    public Written upload(String path, byte[] bytes, String mediaType) {
        return rest.put().uri(uri(path, Map.of())).headers(this::authorise).accept(MediaType.APPLICATION_JSON)
                .contentType(MediaType.parseMediaType(mediaType)).body(bytes).exchange((req, res) -> {
                    int status = res.getStatusCode().value();
                    if (status >= 400) {
                        throw refused(status, res.getBody());
                    }
                    Map<String, Object> answer = res.bodyTo(JSON);
                    return new Written(status, version(res.getHeaders()), res.getHeaders().getFirst(
                            HttpHeaders.LOCATION), answer == null ? Map.of() : answer);
                });
    }

    /**
     * Opens a long-lived text stream (Server-Sent Events) as the person. The token is taken now, within their
     * request; the returned connection is read on any thread and must be closed by whoever opened it.
     */
    public Upstream openStream(String path) throws java.io.IOException {
        String token = accessToken();
        java.net.HttpURLConnection connection = (java.net.HttpURLConnection) uri(path, Map.of()).toURL()
                .openConnection();
        connection.setConnectTimeout((int) settings.apiTimeout().toMillis());
        // The API sends a comment every 15 s: a minute of silence means it is gone.
        connection.setReadTimeout(60_000);
        connection.setRequestProperty(HttpHeaders.AUTHORIZATION, "Bearer " + token);
        connection.setRequestProperty(HttpHeaders.ACCEPT, MediaType.TEXT_EVENT_STREAM_VALUE);
        int status = connection.getResponseCode();
        if (status >= 400) {
            InputStream error = connection.getErrorStream();
            connection.disconnect();
            throw refused(status, error == null ? InputStream.nullInputStream() : error);
        }
        return new Upstream(connection);
    }

    /** An open stream from the API; closing it ends the connection (and any read blocked on it). */
    public static final class Upstream implements AutoCloseable {
        private final java.net.HttpURLConnection connection;

        Upstream(java.net.HttpURLConnection connection) {
            this.connection = connection;
        }

        public InputStream body() throws java.io.IOException {
            return connection.getInputStream();
        }

        @Override
        public void close() {
            connection.disconnect();
        }
    }

    /** A new idempotency key for a form about to be rendered. */
    public static String newIdempotencyKey() {
        return UUID.randomUUID().toString();
    }

    private Written write(RestClient.RequestBodyUriSpec method, String path, Object body, Long version,
                          String idempotencyKey) {
        RestClient.RequestBodySpec spec = method.uri(uri(path, Map.of())).headers(h -> {
            authorise(h);
            conditions(h, version, idempotencyKey);
        }).accept(MediaType.APPLICATION_JSON);
        if (body != null) {
            spec = spec.contentType(MediaType.APPLICATION_JSON).body(body);
        }
        return spec.exchange((req, res) -> {
            int status = res.getStatusCode().value();
            if (status >= 400) {
                throw refused(status, res.getBody());
            }
            Map<String, Object> answer = status == 204 ? Map.of() : res.bodyTo(JSON);
            return new Written(status, version(res.getHeaders()), res.getHeaders().getFirst(HttpHeaders.LOCATION),
                    answer == null ? Map.of() : answer);
        });
    }

    private static void conditions(HttpHeaders headers, Long version, String idempotencyKey) {
        if (version != null) {
            headers.setIfMatch("\"" + version + "\"");
        }
        if (idempotencyKey != null && !idempotencyKey.isBlank()) {
            headers.set("Idempotency-Key", idempotencyKey);
        }
    }

    private static Long version(HttpHeaders headers) {
        String etag = headers.getETag();
        if (etag == null) {
            return null;
        }
        String digits = etag.replace("W/", "").replace("\"", "");
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private URI uri(String path, Map<String, ?> query) {
        UriComponentsBuilder builder = UriComponentsBuilder.fromUri(base()).path(path);
        query.forEach((name, value) -> {
            if (value instanceof Iterable<?> values) {
                values.forEach(v -> {
                    if (v != null && !v.toString().isBlank()) {
                        builder.queryParam(name, v);
                    }
                });
            } else if (value != null && !value.toString().isBlank()) {
                builder.queryParam(name, value);
            }
        });
        return builder.encode().build().toUri();
    }

    private URI base() {
        return settings.apiBaseUrl() != null ? settings.apiBaseUrl() : URI.create("http://127.0.0.1:" + login.ownPort());
    }

    private void authorise(HttpHeaders headers) {
        headers.setBearerAuth(accessToken());
    }

    /**
     * The person's access token, renewed when it has expired (a refresh token where the issuer gives one; otherwise
     * the person is sent through the issuer again, which is silent while their session there lasts).
     */
    private String accessToken() {
        Authentication person = SecurityContextHolder.getContext().getAuthentication();
        ServletRequestAttributes attributes = (ServletRequestAttributes) RequestContextHolder.getRequestAttributes();
        if (person == null || attributes == null) {
            throw new IllegalStateException("the REST API is called for a person only within their request");
        }
        HttpServletRequest request = attributes.getRequest();
        HttpServletResponse response = attributes.getResponse();
        OAuth2AuthorizedClient client = tokens.authorize(OAuth2AuthorizeRequest
                .withClientRegistrationId(WebLogin.REGISTRATION).principal(person)
                .attribute(HttpServletRequest.class.getName(), request)
                .attribute(HttpServletResponse.class.getName(), response)
                .build());
        if (client == null) {
            throw new ClientAuthorizationRequiredException(WebLogin.REGISTRATION);
        }
        return client.getAccessToken().getTokenValue();
    }

    /**
     * A refusal. A 401 means the person's token has expired or was revoked: it is forgotten and the login starts
     * again (Spring Security's redirect filter turns the exception into a trip to the issuer).
     */
    private RuntimeException refused(int status, InputStream body) {
        if (status == 401) {
            ServletRequestAttributes attributes = (ServletRequestAttributes) RequestContextHolder.getRequestAttributes();
            Authentication person = SecurityContextHolder.getContext().getAuthentication();
            if (attributes != null && person != null) {
                authorizedClients.removeAuthorizedClient(WebLogin.REGISTRATION, person, attributes.getRequest(),
                        attributes.getResponse());
            }
            return new ClientAuthorizationRequiredException(WebLogin.REGISTRATION);
        }
        return problem(status, body);
    }

    @SuppressWarnings("unchecked")
    private static ApiProblem problem(int status, InputStream body) {
        Map<String, Object> parsed = new LinkedHashMap<>();
        try (body) {
            byte[] bytes = body.readNBytes(64 * 1024);
            if (bytes.length > 0) {
                Object value = new tools.jackson.databind.ObjectMapper().readValue(bytes, Map.class);
                if (value instanceof Map<?, ?> map) {
                    parsed.putAll((Map<String, Object>) map);
                }
            }
        } catch (Exception unreadable) {
            parsed.put("title", "The API answered " + status);
        }
        return ApiProblem.of(status, parsed);
    }
}
