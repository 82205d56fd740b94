package dev.careloop.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Free text a clinician wrote about a patient's care (a referral's reason, a question, a consult report, why a
 * visit was cancelled). On a {@code String} component of an event that is {@link AboutPatient}: the log keeps it
 * sealed under the patient's own key, as it keeps the patient's identity, so erasing the patient makes it
 * unreadable ({@link #ERASED}). Where the event names no patient, it is written as it is.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
public @interface ClinicalText {

    /** What an erased patient's clinical text reads as, in the log, the read models and FHIR. */
    String ERASED = "(erased)";
}
