package dev.careloop.fhir.mapping;

import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;

/**
 * The values of a resource that the facade's search parameters (and a Subscription's filters) compare: what the
 * search index stores for a resource, and what a notification filter matches against, from one definition.
 */
public final class SearchValues {

    private SearchValues() {
    }

    /** The resource's status code, for every type that has one (Provenance and AuditEvent have none). */
    public static String status(Resource resource) {
        var property = resource.getNamedProperty("status");
        if (property == null || !property.hasValues()) {
            return null;
        }
        IBase value = property.getValues().get(0);
        return value instanceof IPrimitiveType<?> primitive ? primitive.getValueAsString() : null;
    }

    /** The organisation that is to perform: a Task's owner, a ServiceRequest's performer. */
    public static String owner(Resource resource) {
        if (resource instanceof Task task && task.hasOwner()) {
            return organisation(task.getOwner());
        }
        if (resource instanceof ServiceRequest request && request.hasPerformer()) {
            return organisation(request.getPerformerFirstRep());
        }
        return null;
    }

    /** The organisation that asked: a Task's or a ServiceRequest's requester. */
    public static String requester(Resource resource) {
        if (resource instanceof Task task && task.hasRequester()) {
            return organisation(task.getRequester());
        }
        if (resource instanceof ServiceRequest request && request.hasRequester()) {
            return organisation(request.getRequester());
        }
        return null;
    }

    /** The Organization's id; for a person's PractitionerRole ({@code {organisation}.{person}}), their organisation. */
    private static String organisation(Reference reference) {
        String id = reference.getReferenceElement().getIdPart();
        if (id != null && "PractitionerRole".equals(reference.getReferenceElement().getResourceType())
                && id.indexOf('.') > 0) {
            return id.substring(0, id.indexOf('.'));
        }
        return id;
    }
}
