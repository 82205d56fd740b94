package dev.careloop.fhir.facade;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import dev.careloop.fhir.mapping.Bser;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;

/**
 * The CapabilityStatement names the implementation guide the referral resources follow (HL7 BSeR) and, on Task and
 * ServiceRequest, the profiles they claim ({@code meta.profile}), so a partner knows what to expect before it reads.
 */
@Interceptor
public class ImplementationGuides {

    @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
    public void nameBser(IBaseConformance generated) {
        if (!(generated instanceof CapabilityStatement statement)) {
            return;
        }
        if (statement.getImplementationGuide().stream().noneMatch(ig -> Bser.IMPLEMENTATION_GUIDE.equals(ig.getValue()))) {
            statement.addImplementationGuide(Bser.IMPLEMENTATION_GUIDE);
        }
        statement.getRest().forEach(rest -> rest.getResource().forEach(resource -> {
            String profile = switch (resource.getType()) {
                case "Task" -> Bser.REFERRAL_TASK;
                case "ServiceRequest" -> Bser.REFERRAL_SERVICE_REQUEST;
                default -> null;
            };
            if (profile != null && resource.getSupportedProfile().stream()
                    .noneMatch(p -> profile.equals(p.getValue()))) {
                resource.addSupportedProfile(profile);
            }
        }));
    }
}
