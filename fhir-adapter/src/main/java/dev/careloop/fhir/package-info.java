/**
 * The FHIR adapter (DESIGN.md, "FHIR R4"): the log projected into HAPI R4 resources, delivered to partner EHRs
 * and served at {@code /fhir}. Depends on {@code api} only.
 */
package dev.careloop.fhir;
