package dev.careloop.command.web;

/**
 * The two headers a write to an existing referral, record or appointment reads (docs/API.md, "Rules every write
 * follows"): If-Match, the version the caller last saw, and Idempotency-Key; either may be absent. A controller
 * method declares one parameter of this type instead of two header parameters; {@link WriteHeadersSupport} reads
 * it from the request and lists both headers in the OpenAPI document.
 */
public record WriteHeaders(String ifMatch, String idempotencyKey) {

    public static final String IF_MATCH = "If-Match";
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
}
