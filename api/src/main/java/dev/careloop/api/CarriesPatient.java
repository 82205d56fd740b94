package dev.careloop.api;

import com.fasterxml.jackson.annotation.JsonIgnore;

/** An event that carries its patient whole: the id whose key seals its clinical text is that patient's. */
public interface CarriesPatient extends AboutPatient {

    Patient patient();

    @Override
    @JsonIgnore
    default String patientId() {
        Patient patient = patient();
        return patient == null ? null : patient.patientId();
    }
}
