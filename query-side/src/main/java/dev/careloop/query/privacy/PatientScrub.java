package dev.careloop.query.privacy;

import dev.careloop.api.ClinicalText;
import dev.careloop.api.Patient;
import dev.careloop.query.replay.Column;
import dev.careloop.query.replay.Rows;

/**
 * A read model's part of erasure: replaces a patient's identity and clinical text with the erased placeholders in
 * its tables (the views' patient and free-text columns, the same in the journals' details), exactly as a rebuild
 * from the log after the erasure would write them. Each read model runs its part when it sees PatientErased (after
 * every earlier event of its group), and erasure runs all of them at once.
 */
public interface PatientScrub {

    /** Scrubs the patient from this read model; answers how many rows changed. */
    int scrub(String patientId);

    /** A view's row about one patient. */
    interface PatientRow {

        /** Replaces what the row keeps of its patient with the placeholders; answers whether anything changed. */
        boolean erasePatient();
    }

    /** Erases the patient from every row of {@code rows} about them; answers how many rows changed. */
    static <R extends PatientRow> int eraseFrom(Rows<R> rows, Column<R> patientIdColumn, String patientId) {
        return rows.updateAll(patientIdColumn, patientId, r -> r.erasePatient() ? r : null);
    }

    /** Whether erasure still has something to replace in this identity or these texts. */
    static boolean unerased(Patient patient, String... clinicalTexts) {
        if (patient != null && !patient.isErased()) {
            return true;
        }
        for (String text : clinicalTexts) {
            if (text != null && !ClinicalText.ERASED.equals(text)) {
                return true;
            }
        }
        return false;
    }

    /** Clinical text as the log reads after erasure: the placeholder, or null where there was none. */
    static String erased(String clinicalText) {
        return clinicalText == null ? null : ClinicalText.ERASED;
    }
}
