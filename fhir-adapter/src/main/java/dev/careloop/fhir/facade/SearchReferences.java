package dev.careloop.fhir.facade;

import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;

import java.util.ArrayList;
import java.util.List;

/**
 * The literal references a reference search parameter follows in a resource (R4's expressions for the parameters
 * the facade's {@code _include} takes): what {@code Task:focus} or {@code ServiceRequest:patient} names.
 */
final class SearchReferences {

    private SearchReferences() {
    }

    static List<Reference> of(Resource resource, String parameter) {
        List<Reference> references = new ArrayList<>();
        switch (parameter) {
            case "patient", "subject" -> {
                if (resource instanceof Task task) {
                    references.add(task.getFor());
                } else if (resource instanceof ServiceRequest request) {
                    references.add(request.getSubject());
                } else if (resource instanceof Communication communication) {
                    references.add(communication.getSubject());
                } else if (resource instanceof DocumentReference document) {
                    references.add(document.getSubject());
                } else if (resource instanceof Consent consent) {
                    references.add(consent.getPatient());
                } else if (resource instanceof Appointment appointment) {
                    appointment.getParticipant().forEach(p -> references.add(p.getActor()));
                }
            }
            case "focus" -> {
                if (resource instanceof Task task) {
                    references.add(task.getFocus());
                }
            }
            case "owner" -> {
                if (resource instanceof Task task) {
                    references.add(task.getOwner());
                }
            }
            case "performer" -> {
                if (resource instanceof ServiceRequest request) {
                    references.addAll(request.getPerformer());
                }
            }
            case "requester" -> {
                if (resource instanceof Task task) {
                    references.add(task.getRequester());
                } else if (resource instanceof ServiceRequest request) {
                    references.add(request.getRequester());
                }
            }
            default -> {
                // No other parameter is offered to _include.
            }
        }
        return references.stream().filter(r -> r != null && r.hasReference() && !r.getReference().startsWith("#")
                && (!"patient".equals(parameter) || "Patient".equals(r.getReferenceElement().getResourceType())))
                .toList();
    }
}
