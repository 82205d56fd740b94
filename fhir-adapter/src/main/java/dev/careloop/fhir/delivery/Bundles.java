package dev.careloop.fhir.delivery;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import dev.careloop.fhir.mapping.FhirChange;
import dev.careloop.fhir.mapping.R4ChangeProjector;
import dev.careloop.fhir.partner.Partner;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeType;
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

    /** The resources of {@code change} a partner asked for, in the change's order. */
    static List<Resource> forPartner(FhirChange change, Partner partner) {
        return change.resources().stream().filter(r -> partner.resourceTypes().contains(r.fhirType())).toList();
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

    /**
     * An R4 Subscriptions Backport event notification with id-only content: the status of the partner's
     * subscription, then the URL of each changed resource on CareLoop's FHIR facade, for the partner to read.
     */
    static String notification(Partner partner, String fhirBase, String topic, long eventNumber, Instant recorded,
                               List<Resource> resources) {
        Parameters status = status(partner, fhirBase, topic, "event-notification", eventNumber);
        Parameters.ParametersParameterComponent event = status.addParameter().setName("notification-event");
        event.addPart().setName("event-number").setValue(new StringType(Long.toString(eventNumber)));
        event.addPart().setName("timestamp").setValue(new InstantType(Date.from(recorded)));
        Bundle bundle = notificationBundle(status);
        for (Resource resource : resources) {
            String url = fhirBase + "/" + resource.fhirType() + "/" + resource.getIdElement().getIdPart();
            // The focus names the version that changed; a fullUrl never does (R4 bdl-8).
            event.addPart().setName("focus")
                    .setValue(new Reference(url + "/_history/" + resource.getMeta().getVersionId()));
            Bundle.BundleEntryComponent entry = bundle.addEntry().setFullUrl(url);
            entry.getRequest().setMethod(Bundle.HTTPVerb.PUT)
                    .setUrl(resource.fhirType() + "/" + resource.getIdElement().getIdPart());
            entry.getResponse().setStatus("200");
        }
        return json().encodeResourceToString(bundle);
    }

    /** A heartbeat: no event, only the count of events so far, so the partner sees it missed none. */
    static String heartbeat(Partner partner, String fhirBase, String topic, long eventsSinceStart) {
        return json().encodeResourceToString(
                notificationBundle(status(partner, fhirBase, topic, "heartbeat", eventsSinceStart)));
    }

    private static Parameters status(Partner partner, String fhirBase, String topic, String type,
                                     long eventsSinceStart) {
        Parameters status = new Parameters();
        status.setId(UUID.randomUUID().toString());
        status.getMeta().addProfile(STATUS_PROFILE);
        status.addParameter().setName("subscription")
                .setValue(new Reference(fhirBase + "/Subscription/" + partner.id()));
        status.addParameter().setName("topic").setValue(new CanonicalType(topic));
        status.addParameter().setName("status").setValue(new CodeType(partner.active() ? "active" : "off"));
        status.addParameter().setName("type").setValue(new CodeType(type));
        status.addParameter().setName("events-since-subscription-start")
                .setValue(new StringType(Long.toString(eventsSinceStart)));
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
