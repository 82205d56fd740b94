package dev.careloop.fhir.delivery;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import dev.careloop.fhir.mapping.FhirChange;
import dev.careloop.fhir.mapping.R4ChangeProjector;
import dev.careloop.fhir.partner.Partner;
import dev.careloop.fhir.partner.PartnerSubscription;
import dev.careloop.fhir.partner.PayloadContent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/** What partners receive, as FHIR R4 JSON. */
final class Bundles {

    static final String STATUS_PROFILE =
            "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-status-r4";
    static final String NOTIFICATION_PROFILE =
            "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-notification-r4";

    /** The adapter's context, whose parsers keep versions in references (a notification's focus names one). */
    private static final FhirContext FHIR = R4ChangeProjector.fhirContext();

    private Bundles() {
    }

    /** The resources of {@code change} a partner asked for (type and filters), in the change's order. */
    static List<Resource> forPartner(FhirChange change, Partner partner) {
        return change.resources().stream().filter(r -> partner.takes(r, change.patientId())).toList();
    }

    /**
     * A transaction of PUTs to the resources' own ids: applying it twice leaves the partner with the same
     * resources, so a retry after a lost answer creates nothing new.
     */
    static String transaction(String partnerBase, List<Resource> resources) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        String base = partnerBase.endsWith("/") ? partnerBase.substring(0, partnerBase.length() - 1) : partnerBase;
        for (Resource resource : resources) {
            String relative = resource.fhirType() + "/" + resource.getIdElement().getIdPart();
            bundle.addEntry()
                    .setFullUrl(base + "/" + relative)
                    .setResource(resource)
                    .getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(relative);
        }
        return json().encodeResourceToString(bundle);
    }

    /** The SubscriptionTopic a partner's notifications name: its Subscription's, else CareLoop's configured one. */
    static String topic(Partner partner, String configuredTopic) {
        return partner.notifying().topic() != null ? partner.notifying().topic() : configuredTopic;
    }

    /**
     * One change as an R4 Subscriptions Backport event notification: the status of the partner's subscription, then
     * each changed resource as its content asks (id-only: the URL on CareLoop's facade, for the partner to read;
     * full-resource: the resource too; empty: nothing).
     */
    static String notification(Partner partner, String fhirBase, String topic, long eventNumber, Instant recorded,
                               List<Resource> resources) {
        PayloadContent content = partner.notifying().content();
        Parameters status = status(partner.id(), fhirBase, content == PayloadContent.EMPTY ? null : topic,
                PartnerSubscription.ACTIVE, "event-notification", eventNumber, null);
        Bundle bundle = notificationBundle(status);
        addEvent(bundle, status, fhirBase, new Event(eventNumber, recorded,
                resources.stream().map(Focus::of).toList()), content);
        return json().encodeResourceToString(bundle);
    }

    /** An event to notify: its number, when it happened and the resources it changed. */
    record Event(long number, Instant recorded, List<Focus> focus) {
    }

    /** A resource an event changed, at the version it changed to; {@code resource} is null where only ids go. */
    record Focus(String type, String id, String version, Resource resource) {
        static Focus of(Resource resource) {
            return new Focus(resource.fhirType(), resource.getIdElement().getIdPart(),
                    resource.getMeta().getVersionId(), resource);
        }

        /** "{type}/{id}/_history/{version}". */
        String versioned() {
            return type + "/" + id + "/_history/" + version;
        }
    }

    private static void addEvent(Bundle bundle, Parameters status, String fhirBase, Event event,
                                 PayloadContent content) {
        Parameters.ParametersParameterComponent notified = status.addParameter().setName("notification-event");
        notified.addPart().setName("event-number").setValue(new StringType(Long.toString(event.number())));
        if (event.recorded() != null) {
            notified.addPart().setName("timestamp").setValue(new InstantType(Date.from(event.recorded())));
        }
        if (content == PayloadContent.EMPTY) {
            return;
        }
        for (int i = 0; i < event.focus().size(); i++) {
            Focus focus = event.focus().get(i);
            String url = fhirBase + "/" + focus.type() + "/" + focus.id();
            // The event's focus names the version that changed; a fullUrl never does (R4 bdl-8). The first resource
            // is the focus, the others (its Provenance...) additional context.
            notified.addPart().setName(i == 0 ? "focus" : "additional-context")
                    .setValue(new Reference(fhirBase + "/" + focus.versioned()));
            Bundle.BundleEntryComponent entry = bundle.addEntry().setFullUrl(url);
            if (content == PayloadContent.FULL_RESOURCE && focus.resource() != null) {
                Resource copy = focus.resource().copy();
                WholePushes.absoluteAttachments(copy, fhirBase);
                entry.setResource(copy);
            }
            entry.getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(focus.type() + "/" + focus.id());
            entry.getResponse().setStatus("200");
        }
    }

    /** A heartbeat: no event, only the count of events so far, so the partner sees it missed none. */
    static String heartbeat(Partner partner, String fhirBase, String topic, long eventsSinceStart) {
        return json().encodeResourceToString(notificationBundle(status(partner.id(), fhirBase, topic,
                PartnerSubscription.ACTIVE, "heartbeat", eventsSinceStart, null)));
    }

    /** The handshake of a requested Subscription: its endpoint answers 2xx, and the Subscription is active. */
    static String handshake(Partner partner, String fhirBase, String topic) {
        return json().encodeResourceToString(notificationBundle(status(partner.id(), fhirBase, topic,
                PartnerSubscription.REQUESTED, "handshake", 0, null)));
    }

    /**
     * {@code $events}: the events numbered as asked, in one notification of type query-event (a history Bundle: the
     * same resource may come once per event).
     */
    static Bundle queryEvents(PartnerSubscription subscription, String fhirBase, String topic, long eventsSinceStart,
                              List<Event> events, PayloadContent content) {
        Parameters status = status(subscription.id(), fhirBase, content == PayloadContent.EMPTY ? null : topic,
                subscription.status(), "query-event", eventsSinceStart, subscription.error());
        Bundle bundle = notificationBundle(status);
        for (Event event : events) {
            addEvent(bundle, status, fhirBase, event, content);
        }
        return bundle;
    }

    /** {@code $status}: a Subscription's status, type query-status. */
    static Parameters queryStatus(PartnerSubscription subscription, String fhirBase, String topic,
                                  long eventsSinceStart) {
        return status(subscription.id(), fhirBase, topic, subscription.status(), "query-status", eventsSinceStart,
                subscription.error());
    }

    private static Parameters status(String subscriptionId, String fhirBase, String topic, String subscriptionStatus,
                                     String type, long eventsSinceStart, String error) {
        Parameters status = new Parameters();
        status.setId(UUID.randomUUID().toString());
        status.getMeta().addProfile(STATUS_PROFILE);
        status.addParameter().setName("subscription")
                .setValue(new Reference(fhirBase + "/Subscription/" + subscriptionId));
        if (topic != null) {
            status.addParameter().setName("topic").setValue(new CanonicalType(topic));
        }
        status.addParameter().setName("status").setValue(new CodeType(subscriptionStatus));
        status.addParameter().setName("type").setValue(new CodeType(type));
        status.addParameter().setName("events-since-subscription-start")
                .setValue(new StringType(Long.toString(eventsSinceStart)));
        if (error != null) {
            status.addParameter().setName("error").setValue(new CodeableConcept().setText(error));
        }
        return status;
    }

    private static Bundle notificationBundle(Parameters status) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.HISTORY);
        bundle.setId(UUID.randomUUID().toString());
        bundle.getMeta().addProfile(NOTIFICATION_PROFILE);
        bundle.setTimestamp(new Date());
        Bundle.BundleEntryComponent entry = bundle.addEntry()
                .setFullUrl("urn:uuid:" + status.getIdElement().getIdPart())
                .setResource(status);
        entry.getRequest().setMethod(Bundle.HTTPVerb.GET)
                .setUrl("Subscription/" + ((Reference) status.getParameter("subscription").getValue())
                        .getReference().replaceAll(".*/Subscription/", "") + "/$status");
        entry.getResponse().setStatus("200");
        return bundle;
    }

    static IParser json() {
        return FHIR.newJsonParser();
    }

    static FhirContext context() {
        return FHIR;
    }
}
