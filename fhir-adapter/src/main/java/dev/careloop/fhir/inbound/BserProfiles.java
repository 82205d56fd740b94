package dev.careloop.fhir.inbound;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.instance.model.api.IBaseResource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The two BSeR profiles CareLoop's Task and ServiceRequest claim ({@code meta.profile}), for the validator: without
 * them it refuses any resource that names them (HAPI reports an unknown profile as an error). The guide's own
 * StructureDefinitions need US Core and cannot be fetched offline, so these hold the rules of BSeR's ReferralTask
 * and ReferralServiceRequest that stand on base R4 alone (cardinalities, the fixed intent and Task.code, one
 * occurrence as a dateTime), under BSeR's URLs; the snapshots are generated from them on first use.
 */
public final class BserProfiles {

    private static final List<String> FILES = List.of("/fhir/bser/StructureDefinition-ReferralTask.json",
            "/fhir/bser/StructureDefinition-ReferralServiceRequest.json");

    private BserProfiles() {
    }

    /** A validation support holding the profiles, to chain after the core definitions. */
    public static PrePopulatedValidationSupport support(FhirContext context) {
        PrePopulatedValidationSupport support = new PrePopulatedValidationSupport(context);
        for (String file : FILES) {
            try (InputStream in = BserProfiles.class.getResourceAsStream(file)) {
                if (in == null) {
                    throw new IllegalStateException(file + " is not on the class path");
                }
                IBaseResource definition = context.newJsonParser()
                        .parseResource(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                support.addStructureDefinition(definition);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return support;
    }
}
