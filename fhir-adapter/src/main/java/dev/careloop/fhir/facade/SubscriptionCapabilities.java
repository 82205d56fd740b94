package dev.careloop.fhir.facade;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;

/**
 * The CapabilityStatement's Subscription entry (HAPI lists its interactions and operations from
 * {@link SubscriptionProvider}) names the Subscriptions Backport profile and the IG's definitions of
 * {@code $status} and {@code $events}.
 */
@Interceptor
public class SubscriptionCapabilities {

    static final String OPERATIONS = "http://hl7.org/fhir/uv/subscriptions-backport/OperationDefinition/";

    @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
    public void describe(IBaseConformance generated) {
        if (!(generated instanceof CapabilityStatement statement)) {
            return;
        }
        statement.getRest().forEach(rest -> rest.getResource().stream()
                .filter(r -> "Subscription".equals(r.getType()))
                .forEach(r -> {
                    r.addSupportedProfile(SubscriptionRequest.PROFILE);
                    r.getOperation().forEach(op -> {
                        switch (op.getName()) {
                            case "status" -> op.setDefinition(OPERATIONS + "backport-subscription-status");
                            case "events" -> op.setDefinition(OPERATIONS + "backport-subscription-events");
                            default -> { }
                        }
                    });
                }));
    }
}
