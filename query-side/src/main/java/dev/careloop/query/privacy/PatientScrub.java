package dev.careloop.query.privacy;

/**
 * A read model's part of erasure: replaces a patient's identity with the erased placeholder in its tables (the
 * views' patient columns and the patient object in the journals' details). Each read model runs its part when it
 * sees PatientErased (after every earlier event of its group), and erasure runs all of them at once.
 */
public interface PatientScrub {

    /** Scrubs the patient from this read model; answers how many rows changed. */
    int scrub(String patientId);
}
