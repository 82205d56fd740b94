package dev.careloop.fhir.partner;

import dev.careloop.api.InputRules;
import ca.uhn.fhir.context.FhirContext;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an administrator sends to register a partner, checked field by field: every problem is named, not just
 * the first.
 */
public record PartnerRegistration(String id, String organisation, String baseUrl, String mode,
                                  List<String> resourceTypes, Auth auth) {

    /** Outbound credentials: {@code type} none | bearer (token) | oauth2 (tokenUrl, clientId, clientSecret, scope). */
    public record Auth(String type, String token, String tokenUrl, String clientId, String clientSecret,
                       String scope) {
    }

    public record FieldError(String field, String message) {
    }

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Set<String> RESOURCE_TYPES = FhirContext.forR4Cached().getResourceTypes();

    public List<FieldError> errors() {
        List<FieldError> errors = new ArrayList<>();
        if (id == null || !ID.matcher(id).matches()) {
            errors.add(new FieldError("id", "must be 1-63 lower-case letters, digits or '-', starting with a letter "
                    + "or digit"));
        }
        // The organisation's code, as every event naming it carries it (DisclosedToPartner): an id, not a name.
        String organisationProblem = organisation == null || organisation.isBlank() ? "is missing"
                : InputRules.problem(organisation, InputRules.Kind.ID);
        if (organisationProblem != null) {
            errors.add(new FieldError("organisation", "must be the partner organisation's code, such as "
                    + "riverside-derm: " + organisationProblem));
        }
        if (!isHttpUrl(baseUrl)) {
            errors.add(new FieldError("baseUrl", "must be an absolute http(s) URL"));
        }
        if (mode == null || DeliveryMode.fromCode(mode).isEmpty()) {
            errors.add(new FieldError("mode", "must be 'transaction' or 'rest-hook'"));
        }
        if (resourceTypes == null || resourceTypes.isEmpty()) {
            errors.add(new FieldError("resourceTypes", "must list at least one FHIR R4 resource type"));
        } else {
            for (int i = 0; i < resourceTypes.size(); i++) {
                if (resourceTypes.get(i) == null || !RESOURCE_TYPES.contains(resourceTypes.get(i))) {
                    errors.add(new FieldError("resourceTypes[" + i + "]",
                            "'" + resourceTypes.get(i) + "' is not a FHIR R4 resource type"));
                }
            }
        }
        if (auth != null) {
            PartnerAuth.Type type = auth.type() == null ? null : PartnerAuth.Type.fromCode(auth.type()).orElse(null);
            if (type == null) {
                errors.add(new FieldError("auth.type", "must be 'none', 'bearer' or 'oauth2'"));
            } else if (type == PartnerAuth.Type.BEARER && blank(auth.token())) {
                errors.add(new FieldError("auth.token", "is required for bearer authentication"));
            } else if (type == PartnerAuth.Type.OAUTH2) {
                if (!isHttpUrl(auth.tokenUrl())) {
                    errors.add(new FieldError("auth.tokenUrl", "must be the absolute http(s) URL of the partner's "
                            + "OAuth2 token endpoint"));
                }
                if (blank(auth.clientId())) {
                    errors.add(new FieldError("auth.clientId", "is required for OAuth2 client credentials"));
                }
                if (blank(auth.clientSecret())) {
                    errors.add(new FieldError("auth.clientSecret", "is required for OAuth2 client credentials"));
                }
            }
        }
        return errors;
    }

    /** The partner, once {@link #errors()} is empty. */
    public Partner toPartner(long startIndex, Instant now) {
        PartnerAuth partnerAuth = auth == null ? PartnerAuth.none() : switch (PartnerAuth.Type.fromCode(auth.type())
                .orElseThrow()) {
            case NONE -> PartnerAuth.none();
            case BEARER -> PartnerAuth.bearer(auth.token());
            case OAUTH2 -> PartnerAuth.oauth2(auth.tokenUrl(), auth.clientId(), auth.clientSecret(),
                    blank(auth.scope()) ? null : auth.scope());
        };
        return new Partner(id, organisation, stripSlash(baseUrl), DeliveryMode.fromCode(mode).orElseThrow(),
                new LinkedHashSet<>(resourceTypes), partnerAuth, true, startIndex, now);
    }

    @Override
    public String toString() {
        return "PartnerRegistration[" + id + ", " + organisation + ", " + baseUrl + ", " + mode + "]";
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static boolean isHttpUrl(String s) {
        if (blank(s) || s.length() > 2048) {
            return false;
        }
        try {
            URI uri = new URI(s);
            return uri.isAbsolute() && uri.getHost() != null
                    && ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()));
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
