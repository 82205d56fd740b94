package dev.careloop.api.privacy;

/**
 * A store outside the log that keeps a copy of patients' identities (a read model, an index): erasure asks each
 * one to replace what it keeps about a patient with the erased placeholder, in the erasure's transaction.
 */
public interface PatientDataStore {

    /** A name for reports ("referral read model"). */
    String name();

    /** Replaces what this store keeps about {@code patientId}; returns the number of rows changed. */
    int erase(String patientId);
}
