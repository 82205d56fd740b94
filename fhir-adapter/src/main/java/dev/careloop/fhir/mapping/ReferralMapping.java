package dev.careloop.fhir.mapping;

import dev.careloop.api.privacy.PatientRekeyed;
import dev.careloop.api.Patient;
import dev.careloop.api.referral.Appointment;
import dev.careloop.api.referral.CancellationRequested;
import dev.careloop.api.referral.InformationProvided;
import dev.careloop.api.referral.InformationRequested;
import dev.careloop.api.referral.InterimNoteSent;
import dev.careloop.api.referral.OutcomeAcknowledged;
import dev.careloop.api.referral.OutcomeSent;
import dev.careloop.api.referral.Priority;
import dev.careloop.api.referral.ReferralAccepted;
import dev.careloop.api.referral.RecordAttached;
import dev.careloop.api.referral.ReferralAssigned;
import dev.careloop.api.referral.ReferralDeclined;
import dev.careloop.api.referral.ReferralUnassigned;
import dev.careloop.api.referral.ReferralEvent;
import dev.careloop.api.referral.ReferralForwarded;
import dev.careloop.api.referral.ReferralSent;
import dev.careloop.api.referral.ReferralSlaMissed;
import dev.careloop.api.referral.ReferralStatus;
import dev.careloop.api.referral.ReferredBack;
import dev.careloop.api.referral.VisitCancelled;
import dev.careloop.api.referral.VisitRescheduled;
import dev.careloop.api.referral.VisitScheduled;
import dev.careloop.fhir.directory.FhirPeople;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MarkdownType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A referral as FHIR: the order (ServiceRequest) and its workflow (Task, BSeR / 360X style), both with the
 * referral's id, plus one Communication for each question, answer and interim note, made by the change that
 * sent it and never changed afterwards.
 */
final class ReferralMapping {

    static final String AGGREGATE_TYPE = "Referral";
    /** Task.output types: what the recipient returned. */
    static final String OUTPUT_SYSTEM = R4.BASE + "/CodeSystem/referral-output";
    /** Task meta.tag: a referral that missed its triage service level. */
    static final String FLAG_SYSTEM = R4.BASE + "/CodeSystem/referral-flag";
    /** Task extension: when the recipient must have triaged the referral (its service level). */
    static final String TRIAGE_DUE_EXTENSION = R4.EXTENSION + "referral-triage-due";
    /**
     * Task extension: the person at the owning organisation the referral is assigned to, as a logical reference
     * (identifier: their subject at the organisation; display: their name). Task.owner stays the Organization:
     * partners search, forward (a new owner) and resolve references by it, and CareLoop publishes Practitioner
     * resources only for persons who acted (an assignee may not have yet).
     */
    static final String ASSIGNEE_EXTENSION = R4.EXTENSION + "referral-assignee";
    /** LOINC: the consult report a recipient returns (the feedback document's type). */
    static final String CONSULT_NOTE = "11488-4";

    /** A person who acted for an organisation on the referral: what Task.requester / owner name, when known. */
    private record Person(String userId, String name, String organisation) {
        Reference role() {
            return new Reference("PractitionerRole/" + FhirPeople.roleId(userId, organisation))
                    .setType("PractitionerRole")
                    .setIdentifier(new Identifier().setSystem(R4.USER_SYSTEM).setValue(userId))
                    .setDisplay(name);
        }
    }

    private String referralId;
    private String referralNumber;
    private String identifierSystem;
    private String initiator;
    private String recipient;
    private final Set<String> organisations = new LinkedHashSet<>();
    private Patient patient;
    private Priority priority;
    private String service;
    private String reason;
    private String note;
    private Instant slaDueAt;
    private String basedOnReferralId;
    private Instant authoredOn;
    private ReferralStatus status;
    private String statusReason;
    private boolean overdue;
    private boolean loopClosed;
    private Appointment visit;
    private final List<String> recordIds = new ArrayList<>();
    private String report;
    private final List<String> reportRecordIds = new ArrayList<>();
    private final List<String> referredBackTo = new ArrayList<>();
    private String openQuestionId;
    /** The Communication the last event sent, if any. */
    private Communication sent;
    private String assignee;
    private String assigneeName;
    /** The recipient the last event forwarded the referral away from, if any: it sees that change, then nothing. */
    private String leaving;
    /** The person who sent the referral, and the one at the recipient who accepted it (null: a system acted). */
    private Person sender;
    private Person taker;
    /** The feedback document (the consult report) the last event made, if any; and the id of the current one. */
    private DocumentReference feedback;
    private String feedbackId;

    static FhirChange project(List<Step> history) {
        ReferralMapping referral = new ReferralMapping();
        history.forEach(referral::apply);
        return referral.change(history.get(history.size() - 1));
    }

    private void apply(Step step) {
        sent = null;
        leaving = null;
        feedback = null;
        ReferralStatus before = status;
        String reasonGiven = null;
        Object event = step.event();
        if (event instanceof ReferralSent e) {
            referralId = e.referralId();
            referralNumber = e.referralNumber();
            identifierSystem = e.identifierSystem();
            initiator = e.initiatorOrganisation();
            recipient = e.recipientOrganisation();
            organisations.add(initiator);
            organisations.add(recipient);
            patient = e.patient();
            priority = e.priority();
            service = e.service();
            reason = e.reason();
            note = e.note();
            slaDueAt = e.slaDueAt();
            basedOnReferralId = e.basedOnReferralId();
            authoredOn = step.recorded();
            sender = person(step, initiator);
        } else if (event instanceof ReferralAccepted) {
            taker = person(step, recipient);
        } else if (event instanceof ReferralForwarded e) {
            recipient = e.toOrganisation();
            // Access follows the relationship: the forwarding recipient leaves the audience (docs/CONSENT.md).
            if (e.fromOrganisation() != null && !e.fromOrganisation().equals(initiator)) {
                organisations.remove(e.fromOrganisation());
                leaving = e.fromOrganisation();
            }
            organisations.add(recipient);
            reasonGiven = e.reason();
            assignee = null;
            assigneeName = null;
            taker = null;
        } else if (event instanceof ReferralAssigned e) {
            assignee = e.assignee();
            assigneeName = e.assigneeName();
        } else if (event instanceof ReferralUnassigned) {
            assignee = null;
            assigneeName = null;
        } else if (event instanceof ReferralDeclined e) {
            reasonGiven = e.reason();
        } else if (event instanceof CancellationRequested e) {
            reasonGiven = e.reason();
        } else if (event instanceof InformationRequested e) {
            sent = communication(step, recipient, initiator, "Question", e.question(), List.of());
            openQuestionId = sent.getIdElement().getIdPart();
            // While on hold, Task.statusReason is the question, as a partner puts it when it asks (TaskUpdates).
            reasonGiven = e.question();
        } else if (event instanceof InformationProvided e) {
            sent = communication(step, initiator, recipient, "Answer", e.answer(), List.of());
            if (openQuestionId != null) {
                sent.addInResponseTo(R4.ref("Communication", openQuestionId));
            }
            openQuestionId = null;
        } else if (event instanceof InterimNoteSent e) {
            sent = communication(step, recipient, initiator, "Interim consult note", e.note(), e.recordIds());
        } else if (event instanceof VisitScheduled e) {
            visit = e.appointment();
        } else if (event instanceof VisitRescheduled e) {
            visit = e.appointment();
            reasonGiven = e.reason();
        } else if (event instanceof VisitCancelled e) {
            visit = null;
            reasonGiven = e.reason();
        } else if (event instanceof OutcomeSent e) {
            report = e.report();
            reportRecordIds.addAll(e.recordIds());
            feedback = feedbackDocument(step, e.report(), e.recordIds());
            feedbackId = feedback.getIdElement().getIdPart();
        } else if (event instanceof OutcomeAcknowledged) {
            loopClosed = true;
        } else if (event instanceof ReferralSlaMissed) {
            overdue = true;
        } else if (event instanceof RecordAttached e) {
            if (!recordIds.contains(e.recordId())) {
                recordIds.add(e.recordId());
            }
        } else if (event instanceof ReferredBack e) {
            referredBackTo.add(e.newReferralId());
        } else if (event instanceof PatientRekeyed e) {
            // From now on the resources name the patient by the keyed id (a new version, pushed like any change).
            patient = e.applyTo(patient);
        }
        // Any other referral event (accepted, no-show, cancellation confirmed, or one added later): the status moves.
        if (event instanceof ReferralEvent e) {
            status = e.status();
            // A question is open only while the referral is on hold for it: declining or cancelling closes it.
            if (status != ReferralStatus.INFORMATION_REQUESTED) {
                openQuestionId = null;
            }
        }
        // Task.statusReason explains the current status: it goes when the status moves on without a reason.
        if (reasonGiven != null && !reasonGiven.isBlank()) {
            statusReason = reasonGiven;
        } else if (status != before) {
            statusReason = null;
        }
    }

    private FhirChange change(Step last) {
        ServiceRequest serviceRequest = serviceRequest(last);
        Task task = task(last);
        List<Resource> changed = new ArrayList<>(List.of(serviceRequest, task));
        if (sent != null) {
            changed.add(sent);
        }
        if (feedback != null) {
            changed.add(feedback);
        }
        List<Resource> resources = new ArrayList<>(changed);
        resources.add(Provenances.of(last, changed));
        Set<String> audience = new LinkedHashSet<>(organisations);
        if (leaving != null) {
            // Its final update: the Task now owned by the new recipient says the referral left it.
            audience.add(leaving);
        }
        return new FhirChange(AGGREGATE_TYPE, referralId, last.version(), last.recorded(), referralId,
                patient.patientId(), Changes.sorted(audience), List.copyOf(resources));
    }

    private ServiceRequest serviceRequest(Step last) {
        ServiceRequest sr = last.stamp(new ServiceRequest(), referralId);
        sr.getMeta().addProfile(Bser.REFERRAL_SERVICE_REQUEST);
        sr.addIdentifier(initiatorIdentifier());
        sr.setStatus(switch (status) {
            case DECLINED, CANCELLED -> ServiceRequest.ServiceRequestStatus.REVOKED;
            case COMPLETED -> ServiceRequest.ServiceRequestStatus.COMPLETED;
            default -> ServiceRequest.ServiceRequestStatus.ACTIVE;
        });
        sr.setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
        sr.setPriority(ServiceRequest.ServiceRequestPriority.fromCode(priority.code()));
        if (basedOnReferralId != null) {
            sr.addBasedOn(R4.ref("ServiceRequest", basedOnReferralId));
        }
        if (service != null) {
            sr.setCode(R4.text(service));
        }
        sr.setSubject(R4.patient(patient));
        // BSeR: one dateTime, when the service is to take place: the booked visit, else when triage is due.
        Instant occurrence = visit != null && visit.start() != null ? visit.start()
                : slaDueAt != null ? slaDueAt : authoredOn;
        sr.setOccurrence(R4.dateTime(occurrence));
        sr.setAuthoredOnElement(R4.dateTime(authoredOn));
        sr.setRequester(requester());
        sr.addPerformer(R4.organisation(recipient));
        if (reason != null) {
            sr.addReasonCode(R4.text(reason));
        }
        recordIds.forEach(id -> sr.addSupportingInfo(R4.ref("DocumentReference", id)));
        if (note != null && !note.isBlank()) {
            sr.addNote(new Annotation(new MarkdownType(note)).setTimeElement(R4.dateTime(authoredOn)));
        }
        return sr;
    }

    private Task task(Step last) {
        Task task = last.stamp(new Task(), referralId);
        task.getMeta().addProfile(Bser.REFERRAL_TASK);
        task.addIdentifier(initiatorIdentifier());
        if (overdue) {
            task.getMeta().addTag(FLAG_SYSTEM, "overdue", "Triage service level missed");
        }
        if (slaDueAt != null) {
            task.addExtension(TRIAGE_DUE_EXTENSION, R4.dateTime(slaDueAt));
        }
        task.setStatus(Task.TaskStatus.fromCode(status.taskStatus()));
        if (statusReason != null) {
            task.setStatusReason(R4.text(statusReason));
        }
        task.setBusinessStatus(Bser.businessStatus(status, loopClosed));
        task.setIntent(Task.TaskIntent.ORDER);
        task.setCode(new CodeableConcept(new Coding(Bser.TASK_CODE_SYSTEM, "fulfill", "Fulfill the focal request")));
        task.setPriority(Task.TaskPriority.fromCode(priority.code()));
        task.setFocus(R4.ref("ServiceRequest", referralId));
        task.setFor(R4.patient(patient));
        task.setAuthoredOnElement(R4.dateTime(authoredOn));
        task.setLastModifiedElement(R4.dateTime(last.recorded()));
        task.setRequester(requester());
        task.setOwner(taker != null ? taker.role() : R4.organisation(recipient));
        if (assignee != null) {
            task.addExtension(ASSIGNEE_EXTENSION, new Reference().setIdentifier(new Identifier()
                    .setSystem(R4.USER_SYSTEM).setValue(assignee)).setDisplay(assigneeName));
        }
        if (report != null) {
            task.addOutput().setType(output("consult-report", "Consult report")).setValue(new StringType(report));
        }
        if (feedbackId != null) {
            // BSeR's referral feedback: the consult report as a document CareLoop serves.
            task.addOutput().setType(output("feedback-document", "Referral feedback document"))
                    .setValue(R4.ref("DocumentReference", feedbackId));
        }
        reportRecordIds.forEach(id -> task.addOutput().setType(output("consult-report-record", "Record sent with the consult report"))
                .setValue(R4.ref("DocumentReference", id)));
        referredBackTo.forEach(id -> task.addOutput().setType(output("referred-back", "Referral back to the initiator"))
                .setValue(R4.ref("ServiceRequest", id)));
        return task;
    }

    /** The initiator's number for the referral, in the initiator's system as sent (BSeR: the placer's identifier). */
    private Identifier initiatorIdentifier() {
        return new Identifier().setType(new CodeableConcept(new Coding(Bser.IDENTIFIER_TYPE_SYSTEM, Bser.PLACER,
                        "Placer Identifier"))).setSystem(identifierSystem).setValue(referralNumber)
                .setAssigner(R4.organisation(initiator));
    }

    /** The person who sent the referral, for the initiator; the initiating Organization where a system sent it. */
    private Reference requester() {
        return sender != null ? sender.role() : R4.organisation(initiator);
    }

    /** The person who acted in {@code step} for {@code organisation}, if a person (not a system) did. */
    private static Person person(Step step, String organisation) {
        Acting acting = step.acting();
        return acting.userName() != null && organisation != null && organisation.equals(acting.organisation())
                ? new Person(acting.userId(), nameOf(acting.userName()), organisation) : null;
    }

    private static String nameOf(String actedAs) {
        int comma = actedAs.indexOf(", ");
        return comma > 0 ? actedAs.substring(0, comma) : actedAs;
    }

    /**
     * The recipient's outcome as BSeR's referral feedback: a DocumentReference of the consult report (its text
     * inline), made by the change that sent it and never changed afterwards; the records sent with it are related.
     */
    private DocumentReference feedbackDocument(Step step, String text, List<String> records) {
        DocumentReference document = step.stamp(new DocumentReference(), referralId + "-feedback-" + step.version());
        document.setStatus(Enumerations.DocumentReferenceStatus.CURRENT);
        document.setDocStatus(DocumentReference.ReferredDocumentStatus.FINAL);
        document.setType(new CodeableConcept(new Coding("http://loinc.org", CONSULT_NOTE, "Consult note"))
                .setText("Consult report"));
        document.setSubject(R4.patient(patient));
        document.setDateElement(R4.instant(step.recorded()));
        Person author = person(step, recipient);
        document.addAuthor(author != null ? author.role() : R4.organisation(recipient));
        document.setCustodian(R4.organisation(recipient));
        document.setDescription("Consult report for referral " + referralNumber);
        document.addContent().setAttachment(new Attachment().setContentType("text/plain")
                .setData(text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8))
                .setTitle("Consult report").setCreationElement(R4.dateTime(step.recorded())));
        document.getContext().addRelated(R4.ref("ServiceRequest", referralId));
        records.forEach(id -> document.getContext().addRelated(R4.ref("DocumentReference", id)));
        return document;
    }

    private Communication communication(Step step, String from, String to, String topic, String text,
                                        List<String> records) {
        Communication communication = step.stamp(new Communication(), referralId + "-" + step.version());
        communication.addBasedOn(R4.ref("ServiceRequest", referralId));
        communication.addPartOf(R4.ref("Task", referralId));
        communication.setStatus(Communication.CommunicationStatus.COMPLETED);
        communication.setSubject(R4.patient(patient));
        communication.setTopic(R4.text(topic));
        communication.setSentElement(R4.dateTime(step.recorded()));
        communication.addRecipient(R4.organisation(to));
        communication.setSender(R4.organisation(from));
        if (text != null) {
            communication.addPayload().setContent(new StringType(text));
        }
        records.forEach(id -> communication.addPayload().setContent(R4.ref("DocumentReference", id)));
        return communication;
    }

    private static CodeableConcept output(String code, String display) {
        return new CodeableConcept(new Coding(OUTPUT_SYSTEM, code, display));
    }
}
