package dev.careloop.api;

/** Names of the metadata every command and event carries (docs/COMPLIANCE.md, "The audit trail"). */
public final class MetadataKeys {
    public static final String USER = "userId";
    /** The acting person's display name ("Dr Priya Shah"); absent when a service account or partner system acts. */
    public static final String USER_NAME = "userName";
    public static final String ORGANISATION = "organisation";
    public static final String ROLES = "roles";
    public static final String CLIENT = "client";
    public static final String PURPOSE_OF_USE = "purposeOfUse";
    /** The request that started it all (X-Request-Id). */
    public static final String CORRELATION_ID = "correlationId";
    /** The message that directly caused this one. */
    public static final String CAUSATION_ID = "causationId";
    /** On commands only: the version of the aggregate the caller last saw (HTTP If-Match). */
    public static final String EXPECTED_VERSION = "expectedVersion";

    private MetadataKeys() {
    }
}
