package dev.careloop.fhir.partner;

import java.util.Arrays;
import java.util.Optional;

/**
 * How CareLoop authenticates to a partner: nothing, a static bearer token, or an OAuth2 client-credentials
 * grant at the partner's token endpoint. Holds secrets: never put it in a response or a log line.
 */
public record PartnerAuth(Type type, String token, String tokenUrl, String clientId, String clientSecret,
                          String scope) {

    public enum Type {
        NONE("none"), BEARER("bearer"), OAUTH2("oauth2");

        private final String code;

        Type(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }

        public static Optional<Type> fromCode(String code) {
            return Arrays.stream(values()).filter(t -> t.code.equals(code)).findFirst();
        }
    }

    public static PartnerAuth none() {
        return new PartnerAuth(Type.NONE, null, null, null, null, null);
    }

    public static PartnerAuth bearer(String token) {
        return new PartnerAuth(Type.BEARER, token, null, null, null, null);
    }

    public static PartnerAuth oauth2(String tokenUrl, String clientId, String clientSecret, String scope) {
        return new PartnerAuth(Type.OAUTH2, null, tokenUrl, clientId, clientSecret, scope);
    }

    @Override
    public String toString() {
        return "PartnerAuth[" + type.code() + (clientId != null ? ", client " + clientId : "") + "]";
    }
}
