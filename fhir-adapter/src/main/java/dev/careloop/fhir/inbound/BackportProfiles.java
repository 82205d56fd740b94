package dev.careloop.fhir.inbound;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.StructureDefinition;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The R4 Subscriptions Backport profiles CareLoop's notifications and Subscriptions claim
 * ({@code hl7.fhir.uv.subscriptions-backport} 1.1.0), for HAPI's validator: their StructureDefinitions are not to be
 * had offline, so each is written here as a constraint on its base type whose rules (the IG's slices, cardinalities
 * and its invariant backport-notification-bundle-r4-1) are FHIRPath invariants. Without them the validator refuses
 * any resource that claims one ("profile ... could not be found"), an inbound Subscription that follows the IG
 * included.
 */
public final class BackportProfiles {

    public static final String BASE = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/";
    public static final String NOTIFICATION = BASE + "backport-subscription-notification-r4";
    public static final String STATUS = BASE + "backport-subscription-status-r4";
    public static final String SUBSCRIPTION = BASE + "backport-subscription";
    private static final String PAYLOAD_CONTENT = BASE + "backport-payload-content";

    private BackportProfiles() {
    }

    /** The three profiles, for a validation support chain. */
    public static PrePopulatedValidationSupport support(FhirContext context) {
        PrePopulatedValidationSupport support = new PrePopulatedValidationSupport(context);
        support.addStructureDefinition(notification());
        support.addStructureDefinition(status());
        support.addStructureDefinition(subscription());
        return support;
    }

    static StructureDefinition notification() {
        Map<String, String> rules = new LinkedHashMap<>();
        rules.put("backport-notification-bundle-r4-1", "A notification bundle MUST have a Parameters as the first "
                + "entry|(entry.first().resource.is(Parameters))");
        rules.put("backport-notification-bundle-r4-type", "A notification bundle is a history bundle|type = 'history'");
        return profile(NOTIFICATION, "BackportSubscriptionNotificationR4", "Bundle", rules);
    }

    static StructureDefinition status() {
        Map<String, String> rules = new LinkedHashMap<>();
        rules.put("backport-status-subscription", "subscription: exactly one, a Reference"
                + "|parameter.where(name = 'subscription').count() = 1 "
                + "and parameter.where(name = 'subscription').value.ofType(Reference).exists()");
        rules.put("backport-status-topic", "topic: at most one, a canonical"
                + "|parameter.where(name = 'topic').count() <= 1 "
                + "and parameter.where(name = 'topic').all(value.ofType(canonical).exists())");
        rules.put("backport-status-status", "status: exactly one of requested, active, error, off"
                + "|parameter.where(name = 'status').count() = 1 and parameter.where(name = 'status').value"
                + ".ofType(code).all($this in ('requested' | 'active' | 'error' | 'off'))");
        rules.put("backport-status-type", "type: exactly one notification type"
                + "|parameter.where(name = 'type').count() = 1 and parameter.where(name = 'type').value.ofType(code)"
                + ".all($this in ('handshake' | 'heartbeat' | 'event-notification' | 'query-status' | 'query-event'))");
        rules.put("backport-status-events", "events-since-subscription-start: at most one, a string"
                + "|parameter.where(name = 'events-since-subscription-start').count() <= 1 "
                + "and parameter.where(name = 'events-since-subscription-start').all(value.ofType(string).exists())");
        rules.put("backport-status-event", "notification-event: one event-number (a string), at most one timestamp "
                + "(an instant) and one focus (a Reference)"
                + "|parameter.where(name = 'notification-event').all("
                + "part.where(name = 'event-number').count() = 1 "
                + "and part.where(name = 'event-number').value.ofType(string).exists() "
                + "and part.where(name = 'timestamp').count() <= 1 "
                + "and part.where(name = 'timestamp').all(value.ofType(instant).exists()) "
                + "and part.where(name = 'focus').count() <= 1 "
                + "and part.where(name = 'focus' or name = 'additional-context').all(value.ofType(Reference).exists()))");
        rules.put("backport-status-error", "error: each a CodeableConcept"
                + "|parameter.where(name = 'error').all(value.ofType(CodeableConcept).exists())");
        return profile(STATUS, "BackportSubscriptionStatusR4", "Parameters", rules);
    }

    static StructureDefinition subscription() {
        Map<String, String> rules = new LinkedHashMap<>();
        rules.put("backport-subscription-payload", "channel.payload with one backport-payload-content"
                + "|channel.payload.exists() and channel.payload.extension('" + PAYLOAD_CONTENT + "').count() = 1");
        return profile(SUBSCRIPTION, "BackportSubscription", "Subscription", rules);
    }

    /** A constraint on {@code type} whose rules ("human|expression" by key) are errors when they do not hold. */
    private static StructureDefinition profile(String url, String name, String type, Map<String, String> rules) {
        StructureDefinition definition = new StructureDefinition();
        definition.setId(url.substring(url.lastIndexOf('/') + 1));
        definition.setUrl(url);
        definition.setVersion("1.1.0");
        definition.setName(name);
        definition.setStatus(Enumerations.PublicationStatus.ACTIVE);
        definition.setFhirVersion(Enumerations.FHIRVersion._4_0_1);
        definition.setKind(StructureDefinition.StructureDefinitionKind.RESOURCE);
        definition.setAbstract(false);
        definition.setType(type);
        definition.setBaseDefinition("http://hl7.org/fhir/StructureDefinition/" + type);
        definition.setDerivation(StructureDefinition.TypeDerivationRule.CONSTRAINT);
        ElementDefinition root = definition.getDifferential().addElement().setPath(type);
        root.setId(type);
        rules.forEach((key, rule) -> {
            String[] humanAndExpression = rule.split("\\|", 2);
            root.addConstraint().setKey(key).setSeverity(ElementDefinition.ConstraintSeverity.ERROR)
                    .setHuman(humanAndExpression[0]).setExpression(humanAndExpression[1]).setSource(url);
        });
        return definition;
    }
}
