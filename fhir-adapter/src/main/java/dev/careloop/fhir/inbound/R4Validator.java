package dev.careloop.fhir.inbound;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import dev.careloop.fhir.mapping.R4ChangeProjector;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * HAPI's instance validator against base R4, offline (no terminology server). Building it loads every core
 * StructureDefinition (seconds), so it is built once, in the background from start-up; it is thread-safe.
 */
@Component
public class R4Validator {

    private final CompletableFuture<FhirValidator> validator =
            CompletableFuture.supplyAsync(R4Validator::newValidator);

    /** The errors (ERROR and FATAL) in {@code body}, a resource as JSON or XML; empty when it is valid R4. */
    public List<SingleValidationMessage> errors(String body) {
        return validator.join().validateWithResult(body).getMessages().stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
                .toList();
    }

    private static FhirValidator newValidator() {
        FhirContext context = R4ChangeProjector.fhirContext();
        ValidationSupportChain chain = new ValidationSupportChain(
                new DefaultProfileValidationSupport(context),
                new CommonCodeSystemsTerminologyService(context),
                new InMemoryTerminologyServerValidationSupport(context),
                new SnapshotGeneratingValidationSupport(context));
        return context.newValidator().registerValidatorModule(new FhirInstanceValidator(chain));
    }
}
