package dev.careloop.fhir.mapping;

import dev.careloop.api.Patient;
import dev.careloop.api.record.RecordAccessDenied;
import dev.careloop.api.record.RecordDisclosed;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

import java.time.Instant;

/**
 * AuditEvents in the style of IHE Basic Audit Log Patterns (BALP) for a RESTful read: the user (requestor), the
 * organisation they act for, the client application (source role) and CareLoop (destination role), the patient
 * as its own entity, the document, and the request id as a transaction entity.
 */
final class AuditEvents {

    static final String EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type";
    static final String RESTFUL_INTERACTION = "http://hl7.org/fhir/restful-interaction";
    static final String DICOM = "http://dicom.nema.org/resources/ontology/DCM";
    static final String PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
    static final String ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";
    static final String SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type";
    static final String BALP_ENTITY_TYPE = "https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType";

    private AuditEvents() {
    }

    /** A read of a record's content that was allowed: the accounting of disclosures. */
    static AuditEvent disclosure(Step step, RecordDisclosed disclosed, Patient patient, String documentReference) {
        AuditEvent audit = step.stamp(new AuditEvent(), step.aggregateId() + "-" + step.version());
        read(audit, step.recorded(), disclosed.at());
        audit.setOutcome(AuditEvent.AuditEventOutcome._0);
        agents(audit, step.acting(), disclosed.organisation(), disclosed.purposeOfUse());
        audit.addEntity().setWhat(R4.patient(patient))
                .setType(new Coding(ENTITY_TYPE, "1", "Person"))
                .setRole(new Coding(OBJECT_ROLE, "1", "Patient"));
        AuditEvent.AuditEventEntityComponent document = audit.addEntity()
                .setWhat(new Reference(documentReference).setType("DocumentReference"))
                .setType(new Coding(ENTITY_TYPE, "2", "System Object"))
                .setRole(new Coding(OBJECT_ROLE, "4", "Domain Resource"));
        document.addDetail().setType("document-version").setValue(new StringType(
                Integer.toString(disclosed.version())));
        document.addDetail().setType("content-sha256").setValue(new StringType(disclosed.sha256()));
        request(audit, step.acting());
        return audit;
    }

    /** A read that consent refused (the caller saw a 404); not part of any record's history. */
    static AuditEvent denial(String id, Instant recorded, Acting acting, RecordAccessDenied denied) {
        AuditEvent audit = R4.stamp(new AuditEvent(), id, 1, recorded);
        read(audit, recorded, denied.at());
        audit.setOutcome(AuditEvent.AuditEventOutcome._4);
        audit.setOutcomeDesc(denied.reason());
        agents(audit, acting, denied.organisation(), denied.purposeOfUse());
        AuditEvent.AuditEventEntityComponent document = audit.addEntity()
                .setWhat(R4.ref("DocumentReference", denied.recordId()))
                .setType(new Coding(ENTITY_TYPE, "2", "System Object"))
                .setRole(new Coding(OBJECT_ROLE, "4", "Domain Resource"));
        if (denied.version() != null) {
            document.addDetail().setType("document-version").setValue(new StringType(
                    denied.version().toString()));
        }
        request(audit, acting);
        return audit;
    }

    private static void read(AuditEvent audit, Instant recorded, Instant at) {
        audit.setType(new Coding(EVENT_TYPE, "rest", "Restful Operation"));
        audit.addSubtype(new Coding(RESTFUL_INTERACTION, "read", "read"));
        audit.setAction(AuditEvent.AuditEventAction.R);
        if (at != null) {
            audit.setPeriod(R4.period(at, at));
        }
        audit.setRecordedElement(R4.instant(recorded));
        audit.getSource().setObserver(R4.careLoop())
                .addType(new Coding(SOURCE_TYPE, "4", "Application Server"));
    }

    private static void agents(AuditEvent audit, Acting acting, String organisation, String purposeOfUse) {
        String purpose = purposeOfUse != null ? purposeOfUse : acting.purposeOfUse();
        if (purpose != null) {
            audit.addPurposeOfEvent(new CodeableConcept(R4.purposeOfUse(purpose)));
        }
        if (acting.client() != null) {
            audit.addAgent().setType(new CodeableConcept(new Coding(DICOM, "110153", "Source Role ID")))
                    .setWho(R4.client(acting.client())).setRequestor(false);
        }
        audit.addAgent().setType(new CodeableConcept(new Coding(DICOM, "110152", "Destination Role ID")))
                .setWho(R4.careLoop()).setRequestor(false);
        AuditEvent.AuditEventAgentComponent user = audit.addAgent()
                .setType(new CodeableConcept(new Coding(PARTICIPATION_TYPE, "IRCP", "information recipient")))
                .setWho(R4.user(acting.userId() != null ? acting.userId() : "unknown"))
                .setRequestor(true);
        if (purpose != null) {
            user.addPurposeOfUse(new CodeableConcept(R4.purposeOfUse(purpose)));
        }
        if (organisation != null) {
            audit.addAgent().setType(new CodeableConcept(new Coding(PARTICIPATION_TYPE, "RESP", "responsible party")))
                    .setWho(R4.organisation(organisation)).setRequestor(false);
        }
    }

    private static void request(AuditEvent audit, Acting acting) {
        if (acting.correlationId() != null) {
            audit.addEntity()
                    .setWhat(new Reference().setIdentifier(
                            new Identifier().setSystem(R4.REQUEST_SYSTEM).setValue(acting.correlationId())))
                    .setType(new Coding(BALP_ENTITY_TYPE, "XrequestId", "X-Request-Id"));
        }
    }
}
