/**
 * The FHIR adapter (docs/FHIR.md): the log projected into HAPI R4 resources, delivered to partner EHRs
 * and served at {@code /fhir}. Depends on {@code api} only.
 */
package dev.careloop.fhir;
