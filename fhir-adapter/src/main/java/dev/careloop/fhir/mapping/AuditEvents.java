package dev.careloop.fhir.mapping;

import dev.careloop.api.Patient;
import dev.careloop.api.PurposeOfUse;
import dev.careloop.api.record.EmergencyAccessReviewed;
import dev.careloop.api.record.EmergencyAccessUsed;
import dev.careloop.api.record.RecordAccessDenied;
import dev.careloop.api.record.RecordDisclosed;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

import java.nio.charset.StandardCharsets;
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
    /** The type of the patient entity's detail that carries their MRN as {@code system|value}. */
    static final String MRN_DETAIL = "patient-identifier";
    static final String REFUSAL = "RecordAccessDenied";
    static final String BALP_ENTITY_TYPE = "https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType";

    private AuditEvents() {
    }

    /** A read of a record's content that was allowed: the accounting of disclosures. */
    static AuditEvent disclosure(Step step, RecordDisclosed disclosed, Patient patient, String documentReference) {
        AuditEvent audit = step.stamp(new AuditEvent(), step.aggregateId() + "-" + step.version());
        read(audit, step.recorded(), disclosed.at());
        audit.setOutcome(AuditEvent.AuditEventOutcome._0);
        agents(audit, step.acting(), disclosed.organisation(), disclosed.purposeOfUse());
        patientAndDocument(audit, patient, documentReference, disclosed.version())
                .addDetail().setType("content-sha256").setValue(new StringType(disclosed.sha256()));
        request(audit, step.acting());
        return audit;
    }

    /**
     * Break-the-glass: a read outside consent for an emergency (purpose ETREAT), told apart from an ordinary
     * disclosure by its subtype so that a SIEM can alert on it. The justification is clinical text and stays in the
     * log; the disclosure that follows carries the read itself.
     */
    static AuditEvent emergencyAccess(Step step, EmergencyAccessUsed used, Patient patient, String documentReference) {
        AuditEvent audit = step.stamp(new AuditEvent(), step.aggregateId() + "-" + step.version());
        read(audit, step.recorded(), used.at());
        audit.addSubtype(new Coding(R4.EVENT_TYPE_SYSTEM, "EmergencyAccessUsed", "emergency access (break-the-glass)"));
        audit.setOutcome(AuditEvent.AuditEventOutcome._0);
        audit.setOutcomeDesc("emergency access (break-the-glass) by " + used.organisation());
        agents(audit, step.acting(), used.organisation(), PurposeOfUse.EMERGENCY);
        patientAndDocument(audit, patient, documentReference, used.version());
        request(audit, step.acting());
        return audit;
    }

    /** The record owner's compliance officer reviewed an emergency access: a use of the audit log (DICOM 110101). */
    static AuditEvent emergencyAccessReview(Step step, EmergencyAccessReviewed reviewed, Patient patient,
                                            String documentReference) {
        AuditEvent audit = step.stamp(new AuditEvent(), step.aggregateId() + "-" + step.version());
        audit.setType(new Coding(DICOM, "110101", "Audit Log Used"));
        audit.addSubtype(new Coding(R4.EVENT_TYPE_SYSTEM, "EmergencyAccessReviewed", "emergency access reviewed"));
        audit.setAction(AuditEvent.AuditEventAction.E);
        audit.setRecordedElement(R4.instant(step.recorded()));
        audit.getSource().setObserver(R4.careLoop())
                .addType(new Coding(SOURCE_TYPE, "4", "Application Server"));
        audit.setOutcome(AuditEvent.AuditEventOutcome._0);
        audit.setOutcomeDesc("emergency access " + reviewed.accessId() + " reviewed");
        agents(audit, step.acting(), step.acting().organisation(), null);
        patientAndDocument(audit, patient, documentReference, null);
        request(audit, step.acting());
        return audit;
    }

    /** The patient and the document (with its version, if one was read) as the AuditEvent's entities. */
    private static AuditEvent.AuditEventEntityComponent patientAndDocument(AuditEvent audit, Patient patient,
                                                                           String documentReference, Integer version) {
        AuditEvent.AuditEventEntityComponent person = patient(audit, patient.patientId());
        if (patient.name() != null) {
            person.getWhat().setDisplay(patient.name());
        }
        if (patient.identifierSystem() != null && patient.identifierValue() != null) {
            // The MRN the patient's owner named them by, beside the platform id every other AuditEvent uses.
            person.addDetail().setType(MRN_DETAIL).setValue(new StringType(patient.identifierSystem() + "|"
                    + patient.identifierValue()));
        }
        AuditEvent.AuditEventEntityComponent document = audit.addEntity()
                .setWhat(new Reference(documentReference).setType("DocumentReference"))
                .setType(new Coding(ENTITY_TYPE, "2", "System Object"))
                .setRole(new Coding(OBJECT_ROLE, "4", "Domain Resource"));
        if (version != null) {
            document.addDetail().setType("document-version").setValue(new StringType(version.toString()));
        }
        return document;
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

    /** Any entry of the audit trail that is not a read of a record: who did what to which resource, and why. */
    static AuditEvent activity(AuditTrailExport.Entry entry) {
        AuditEvent audit = R4.stamp(new AuditEvent(), id(entry), 1, entry.occurredAt());
        Interaction interaction = Interaction.of(entry);
        audit.setType(new Coding(EVENT_TYPE, "rest", "Restful Operation"));
        audit.addSubtype(new Coding(RESTFUL_INTERACTION, interaction.code, interaction.code));
        audit.addSubtype(new Coding(R4.EVENT_TYPE_SYSTEM, entry.eventType(), entry.eventType()));
        audit.setAction(interaction.action);
        audit.setRecordedElement(R4.instant(entry.occurredAt()));
        // A refusal is a failure a SIEM filters on (BALP: 4, minor failure); everything else in the trail succeeded.
        audit.setOutcome(entry.eventType().equals(REFUSAL) ? AuditEvent.AuditEventOutcome._4
                : AuditEvent.AuditEventOutcome._0);
        audit.setOutcomeDesc(entry.description());
        audit.getSource().setObserver(R4.careLoop())
                .addType(new Coding(SOURCE_TYPE, "4", "Application Server"));
        Acting acting = new Acting(entry.user(), entry.userName(), entry.organisation(), entry.client(), entry.purposeOfUse(),
                entry.correlationId());
        agents(audit, acting, entry.organisation(), entry.purposeOfUse());
        if (entry.patientId() != null) {
            AuditEvent.AuditEventEntityComponent person = patient(audit, entry.patientId());
            if (entry.patientIdentifier() != null) {
                person.addDetail().setType(MRN_DETAIL).setValue(new StringType(entry.patientIdentifier()));
            }
        }
        if (interaction == Interaction.SEARCH && entry.query() != null) {
            // BALP Query: the query itself, base64 as FHIR's entity.query is, so a SIEM sees what was asked.
            audit.addEntity().setType(new Coding(ENTITY_TYPE, "2", "System Object"))
                    .setRole(new Coding(OBJECT_ROLE, "24", "Query"))
                    .setQuery(entry.query().getBytes(StandardCharsets.UTF_8));
        }
        String resourceType = switch (entry.aggregateType() == null ? "" : entry.aggregateType()) {
            case "referral" -> "Task";
            case "record" -> "DocumentReference";
            case "appointment" -> "Appointment";
            default -> null;
        };
        if (resourceType != null && entry.aggregateId() != null) {
            Reference what = R4.ref(resourceType, entry.aggregateId());
            if (entry.sequence() != null) {
                what.setReference(resourceType + "/" + entry.aggregateId() + "/_history/" + (entry.sequence() + 1));
            }
            audit.addEntity().setWhat(what)
                    .setType(new Coding(ENTITY_TYPE, "2", "System Object"))
                    .setRole(new Coding(OBJECT_ROLE, "4", "Domain Resource"));
        }
        request(audit, acting);
        return audit;
    }

    /**
     * A read of patient data from the access log (BALP Read or Query): a read of one resource is action R, a list
     * or search E with its query (entity.query, as FHIR holds it: base64) and the ids it returned; a refused read is
     * outcome 4 (minor failure) with the policy's reason, so a SIEM filtering on failures finds it. The resource is
     * referenced as FHIR names it (a referral as its Task, a record as its DocumentReference), with CareLoop's own
     * name of what was read (ReferralTimeline, RecordContent) and the channel as details.
     */
    static AuditEvent access(AuditTrailExport.Entry entry) {
        AuditTrailExport.Access access = entry.access();
        boolean search = access.action().equals("E");
        AuditEvent audit = R4.stamp(new AuditEvent(), id(entry), 1, entry.occurredAt());
        audit.setType(new Coding(EVENT_TYPE, "rest", "Restful Operation"));
        // The facade's ids: x (read), x/_history/3 (vread), x/_history (the resource's history).
        String resourceId = access.resourceId();
        String interaction = search ? "search-type" : resourceId == null ? "read"
                : resourceId.endsWith("/_history") ? "history-instance"
                : resourceId.contains("/_history/") ? "vread" : "read";
        audit.addSubtype(new Coding(RESTFUL_INTERACTION, interaction, interaction));
        audit.addSubtype(new Coding(R4.EVENT_TYPE_SYSTEM, entry.eventType(), entry.eventType()));
        audit.setAction(search ? AuditEvent.AuditEventAction.E : AuditEvent.AuditEventAction.R);
        audit.setPeriod(R4.period(entry.occurredAt(), entry.occurredAt()));
        audit.setRecordedElement(R4.instant(entry.occurredAt()));
        audit.setOutcome(access.allowed() ? AuditEvent.AuditEventOutcome._0 : AuditEvent.AuditEventOutcome._4);
        audit.setOutcomeDesc(access.allowed() ? entry.description() : access.reason());
        audit.getSource().setObserver(R4.careLoop())
                .addType(new Coding(SOURCE_TYPE, "4", "Application Server"));
        Acting acting = new Acting(entry.user(), entry.userName(), entry.organisation(), entry.client(),
                entry.purposeOfUse(), entry.correlationId());
        agents(audit, acting, entry.organisation(), entry.purposeOfUse());
        String patientId = entry.patientId() != null ? entry.patientId()
                : access.resourceType().equals("PatientSummary") ? access.resourceId() : null;
        if (patientId != null) {
            AuditEvent.AuditEventEntityComponent person = patient(audit, patientId);
            if (entry.patientIdentifier() != null) {
                person.addDetail().setType(MRN_DETAIL).setValue(new StringType(entry.patientIdentifier()));
            }
        }
        AuditEvent.AuditEventEntityComponent what;
        if (search) {
            what = audit.addEntity().setType(new Coding(ENTITY_TYPE, "2", "System Object"))
                    .setRole(new Coding(OBJECT_ROLE, "24", "Query"))
                    .setQuery((entry.query() == null ? "" : entry.query()).getBytes(StandardCharsets.UTF_8));
            what.addDetail().setType("returned-count").setValue(new StringType(
                    Integer.toString(access.returnedIds().size())));
            if (!access.returnedIds().isEmpty()) {
                // R4 refuses an empty detail value: a search that returned nothing says so by its count alone.
                what.addDetail().setType("returned-ids").setValue(new StringType(String.join(" ",
                        access.returnedIds())));
            }
        } else {
            what = audit.addEntity().setType(new Coding(ENTITY_TYPE, "2", "System Object"))
                    .setRole(new Coding(OBJECT_ROLE, "4", "Domain Resource"));
            String fhirType = fhirType(access.resourceType());
            if (fhirType != null && resourceId != null) {
                what.setWhat(new Reference(fhirType + "/" + (interaction.equals("history-instance")
                        ? resourceId.substring(0, resourceId.length() - "/_history".length()) : resourceId))
                        .setType(fhirType));
            }
        }
        what.addDetail().setType("careloop-resource").setValue(new StringType(access.resourceId() == null
                ? access.resourceType() : access.resourceType() + "/" + access.resourceId()));
        what.addDetail().setType("channel").setValue(new StringType(access.channel()));
        request(audit, acting);
        return audit;
    }

    /** The FHIR resource that stands for what CareLoop read: a referral is its Task, a record its DocumentReference. */
    private static String fhirType(String resourceType) {
        return switch (resourceType) {
            case "Referral", "ReferralTimeline", "ReferralParties" -> "Task";
            case "Record", "RecordVersions", "RecordContent", "RecordDisclosures" -> "DocumentReference";
            case "AppointmentHistory" -> "Appointment";
            case "ServiceRequest", "Task", "Communication", "Appointment", "DocumentReference", "Consent",
                 "Provenance", "AuditEvent" -> resourceType;
            default -> null;
        };
    }

    /** FHIR ids are [A-Za-z0-9-.]{1,64}; CareLoop's event ids are UUIDs, anything else is made to fit. */
    private static String id(AuditTrailExport.Entry entry) {
        String id = ("audit-" + entry.eventId()).replaceAll("[^A-Za-z0-9.-]", "-");
        return id.length() > 64 ? id.substring(0, 64) : id;
    }

    /** The patient as every AuditEvent names them: by the pseudonymous platform id. */
    private static AuditEvent.AuditEventEntityComponent patient(AuditEvent audit, String patientId) {
        return audit.addEntity().setWhat(new Reference().setType("Patient").setIdentifier(
                        new Identifier().setSystem(R4.PATIENT_ID_SYSTEM).setValue(patientId)))
                .setType(new Coding(ENTITY_TYPE, "1", "Person"))
                .setRole(new Coding(OBJECT_ROLE, "1", "Patient"));
    }

    /**
     * The RESTful interaction an entry of the trail was (BALP): a read of one record ({@code R}, also when refused),
     * a query such as a search of the trail or an export ({@code E}), a create, an update or an erasure.
     */
    enum Interaction {
        READ("read", AuditEvent.AuditEventAction.R),
        SEARCH("search-type", AuditEvent.AuditEventAction.E),
        CREATE("create", AuditEvent.AuditEventAction.C),
        UPDATE("update", AuditEvent.AuditEventAction.U),
        DELETE("delete", AuditEvent.AuditEventAction.D);

        final String code;
        final AuditEvent.AuditEventAction action;

        Interaction(String code, AuditEvent.AuditEventAction action) {
            this.code = code;
            this.action = action;
        }

        static Interaction of(AuditTrailExport.Entry entry) {
            return switch (entry.eventType()) {
                case "RecordAccessDenied", "RecordDisclosed", "EmergencyAccessUsed" -> READ;
                case "AuditTrailRead" -> SEARCH;
                case "PatientErased" -> DELETE;
                default -> entry.sequence() != null && entry.sequence() == 0 ? CREATE : UPDATE;
            };
        }
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
                .setWho(acting.userId() != null ? acting.who() : R4.user("unknown"))
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
