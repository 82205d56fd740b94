package dev.careloop.query.privacy;

import dev.careloop.api.Patient;
import dev.careloop.query.replay.Column;
import dev.careloop.query.replay.Rows;

import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A read model's part of erasure: replaces a patient's identity with the erased placeholder in its tables (the
 * views' patient columns and the patient object in the journals' details). Each read model runs its part when it
 * sees PatientErased (after every earlier event of its group), and erasure runs all of them at once.
 */
public interface PatientScrub {

    /** Scrubs the patient from this read model; answers how many rows changed. */
    int scrub(String patientId);

    /** Gives every row of {@code rows} about the patient, not yet erased, the erased placeholder; answers how many. */
    static <R> int eraseFrom(Rows<R> rows, Column<R> patientIdColumn, String patientId, Function<R, Patient> patient,
                             BiConsumer<R, Patient> setPatient) {
        return rows.updateAll(patientIdColumn, patientId, r -> {
            if (patient.apply(r).isErased()) {
                return null;
            }
            setPatient.accept(r, Patient.erased(patientId));
            return r;
        });
    }
}
