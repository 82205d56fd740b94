package dev.careloop.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import dev.careloop.fhir.inbound.BackportProfiles;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import dev.careloop.fhir.inbound.BserProfiles;
import org.hl7.fhir.instance.model.api.IBaseResource;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Validates resources against base R4 with HAPI's instance validator, offline (no terminology server). Building
 * the validator loads every core StructureDefinition, so there is one per test JVM, shared; it is thread-safe.
 */
public final class FhirValidation {

    private static final Set<ResultSeverityEnum> FAILING = EnumSet.of(ResultSeverityEnum.ERROR, ResultSeverityEnum.FATAL);
    private static final FhirValidator VALIDATOR = newValidator();

    private FhirValidation() {
    }

    /** Fails with every ERROR and FATAL message (location and text) when {@code resource} is not valid R4. */
    public static void assertValid(IBaseResource resource) {
        List<SingleValidationMessage> problems = problems(resource);
        if (!problems.isEmpty()) {
            throw new AssertionError(resource.fhirType() + "/" + resource.getIdElement().getIdPart()
                    + " is not valid R4:\n" + describe(problems) + "\n" + json(resource));
        }
    }

    /** The ERROR and FATAL messages for {@code resource}; empty when it is valid. */
    public static List<SingleValidationMessage> problems(IBaseResource resource) {
        return validate(resource).getMessages().stream().filter(m -> FAILING.contains(m.getSeverity())).toList();
    }

    /** Every message, warnings and information included: for looking at what the validator thinks. */
    public static ValidationResult validate(IBaseResource resource) {
        return VALIDATOR.validateWithResult(resource);
    }

    public static String describe(List<SingleValidationMessage> messages) {
        return messages.stream()
                .map(m -> "  " + m.getSeverity() + " " + m.getLocationString() + ": " + m.getMessage())
                .collect(Collectors.joining("\n"));
    }

    public static String json(IBaseResource resource) {
        return FhirContext.forR4Cached().newJsonParser().setStripVersionsFromReferences(false).setPrettyPrint(true)
                .encodeResourceToString(resource);
    }

    private static FhirValidator newValidator() {
        FhirContext ctx = FhirContext.forR4Cached();
        ValidationSupportChain chain = new ValidationSupportChain(
                new DefaultProfileValidationSupport(ctx),
                BackportProfiles.support(ctx),
                BserProfiles.support(ctx),
                new CommonCodeSystemsTerminologyService(ctx),
                new InMemoryTerminologyServerValidationSupport(ctx),
                new SnapshotGeneratingValidationSupport(ctx));
        FhirInstanceValidator module = new FhirInstanceValidator(chain);
        return ctx.newValidator().registerValidatorModule(module);
    }
}
