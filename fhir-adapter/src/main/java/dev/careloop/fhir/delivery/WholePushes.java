package dev.careloop.fhir.delivery;

import ca.uhn.fhir.util.FhirTerser;
import dev.careloop.fhir.directory.FhirDirectory;
import dev.careloop.fhir.directory.FhirPatients;
import dev.careloop.fhir.directory.FhirPeople;
import dev.careloop.fhir.partner.Partner;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Makes what a partner receives in one transaction whole, so that a server with referential integrity (a stock
 * HAPI JPA server refuses a reference to anything it does not hold, HAPI-1094) stores every push, the first
 * included. Every literal reference in the Bundle then names a resource of the same Bundle:
 * <ul>
 * <li>the Organization or HealthcareService it names comes along (a PUT to our id: the same again changes nothing),
 *     and so does the Patient, as the partner's organisation knows them, and the Practitioner who acted or the
 *     PractitionerRole a Task names (as the resource names them, until /fhir's tables have caught up with the
 *     change);</li>
 * <li>so does the current version of another referral's, record's or appointment's resource, when the partner's
 *     organisation may see it and the partner asked for its type (a referral's record can be shared after the
 *     referral named it; the record's own push follows);</li>
 * <li>anything else the partner cannot hold becomes a logical reference: the identifier {@code urn:ietf:rfc:3986}
 *     with the resource's URL on CareLoop's facade, where a partner allowed to may read it.</li>
 * </ul>
 * References lose their {@code /_history/n}: the partner numbers its own versions. One to an earlier version of a
 * resource in the Bundle (an amended record's {@code relatesTo}) becomes logical. Attachment URLs become absolute
 * (the public base of CareLoop), so they do not point at the partner's own host.
 */
final class WholePushes {

    static final String URI_SYSTEM = "urn:ietf:rfc:3986";

    private static final FhirTerser TERSER = new FhirTerser(Bundles.context());

    private WholePushes() {
    }

    /**
     * The resources to send to {@code partner}: copies of {@code resources} (the change's are left as they are),
     * then what they reference, each once.
     */
    static List<Resource> complete(List<Resource> resources, Partner partner, ReferencedResources referenced,
                                   String fhirBase) {
        String base = withoutTrailingSlash(fhirBase);
        Map<String, Resource> out = new LinkedHashMap<>();
        List<Resource> carried = new ArrayList<>();
        Deque<Resource> todo = new ArrayDeque<>();
        for (Resource resource : resources) {
            Resource copy = resource.copy();
            out.put(key(copy), copy);
            todo.add(copy);
        }
        while (!todo.isEmpty()) {
            Resource resource = todo.poll();
            absoluteAttachments(resource, base);
            for (Reference reference : TERSER.getAllPopulatedChildElementsOfType(resource, Reference.class)) {
                String literal = reference.getReference();
                if (literal == null || literal.isBlank() || literal.startsWith("#") || literal.startsWith("urn:")) {
                    continue;
                }
                IdType id = new IdType(literal);
                if (id.isAbsolute() || !id.hasResourceType() || !id.hasIdPart()) {
                    continue;
                }
                String key = id.getResourceType() + "/" + id.getIdPart();
                if (id.hasVersionIdPart() && key.equals(key(resource))) {
                    logical(reference, base + "/" + literal);
                    continue;
                }
                if (!out.containsKey(key)) {
                    // An erased patient is sent as the log now names them (no identity), whatever a read model
                    // that has not yet seen the erasure still holds.
                    Optional<Resource> found = erased(reference) ? named(id, reference)
                            : pushable(id, partner, referenced).or(() -> named(id, reference));
                    if (found.isEmpty()) {
                        logical(reference, base + "/" + literal);
                        continue;
                    }
                    Resource copy = found.get().copy();
                    out.put(key, copy);
                    carried.add(copy);
                    todo.add(copy);
                }
                reference.setReference(key);
            }
        }
        // What is referenced first, then what references it: easier to read, and any server's order is then right.
        List<Resource> ordered = new ArrayList<>(carried);
        Collections.reverse(ordered);
        out.values().stream().filter(r -> !carried.contains(r)).forEach(ordered::add);
        return ordered;
    }

    private static Optional<Resource> pushable(IdType id, Partner partner, ReferencedResources referenced) {
        String type = id.getResourceType();
        // The directory, the patient and the persons who acted: what the partner's own resources name, whatever types it asked for.
        if (FhirDirectory.serves(type) || FhirPeople.serves(type) || "Patient".equals(type)) {
            return referenced.find(type, id.getIdPart(), partner.organisation());
        }
        if (!partner.resourceTypes().contains(type)) {
            return Optional.empty();
        }
        return referenced.find(type, id.getIdPart(), partner.organisation());
    }

    /**
     * The patient or person as the reference names them, when /fhir cannot serve them yet (its tables follow the
     * log): so the reference resolves on the partner from the first push, with what the resource says anyway.
     */
    private static Optional<Resource> named(IdType id, Reference reference) {
        if (!reference.hasIdentifier() || !reference.getIdentifier().hasValue()) {
            return Optional.empty();
        }
        if ("Patient".equals(id.getResourceType())) {
            return Optional.of(FhirPatients.named(id.getIdPart(), reference));
        }
        if ("Practitioner".equals(id.getResourceType()) && reference.hasDisplay()) {
            return Optional.of(FhirPeople.named(reference));
        }
        if ("PractitionerRole".equals(id.getResourceType()) && reference.hasDisplay()) {
            return FhirPeople.namedRole(id.getIdPart(), reference).map(Resource.class::cast);
        }
        return Optional.empty();
    }

    private static boolean erased(Reference reference) {
        return "Patient".equals(reference.getType())
                && dev.careloop.api.Patient.ERASED_SYSTEM.equals(reference.getIdentifier().getSystem());
    }

    /** A reference the partner cannot resolve, kept as what it is: CareLoop's URL of the resource. */
    private static void logical(Reference reference, String url) {
        if (!reference.hasType()) {
            reference.setType(new IdType(reference.getReference()).getResourceType());
        }
        reference.setReference(null);
        if (!reference.hasIdentifier()) {
            reference.setIdentifier(new Identifier().setSystem(URI_SYSTEM).setValue(url));
        }
    }

    static void absoluteAttachments(Resource resource, String fhirBase) {
        String publicBase = fhirBase.endsWith("/fhir") ? fhirBase.substring(0, fhirBase.length() - "/fhir".length())
                : fhirBase;
        for (Attachment attachment : TERSER.getAllPopulatedChildElementsOfType(resource, Attachment.class)) {
            if (attachment.hasUrl() && attachment.getUrl().startsWith("/")) {
                attachment.setUrl(publicBase + attachment.getUrl());
            }
        }
    }

    private static String key(Resource resource) {
        return resource.fhirType() + "/" + resource.getIdElement().getIdPart();
    }

    private static String withoutTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
