package dev.careloop.fhir.facade;

import jakarta.servlet.http.HttpServletRequest;

import java.util.Optional;

/**
 * Who the authenticated caller of a {@code /fhir} request is. The application supplies it from its security
 * layer (bearer tokens), so the adapter depends on no particular one; empty when the request is anonymous.
 */
public interface FhirCallers {

    Optional<FhirCaller> current(HttpServletRequest request);
}
