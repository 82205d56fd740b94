package dev.careloop.fhir.inbound;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import dev.careloop.api.Patient;
import dev.careloop.api.PatientIdentifierSystems;
import dev.careloop.api.PatientIds;
import dev.careloop.api.referral.Priority;
import dev.careloop.api.referral.ReferralIdentifiers;
import dev.careloop.api.referral.SendReferral;
import dev.careloop.api.referral.SlaPolicy;
import dev.careloop.fhir.facade.CallerCheck;
import dev.careloop.fhir.facade.FhirCaller;
import dev.careloop.fhir.facade.FhirCaller.Access;
import dev.careloop.fhir.facade.FhirLog;
import dev.careloop.fhir.facade.Outcomes;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A new referral from a partner EHR, in either of two forms: a transaction Bundle of one ServiceRequest and one
 * Task whose focus is that ServiceRequest, or a Task POSTed alone with the ServiceRequest contained and named by
 * its focus ({@code "focus": {"reference": "#sr"}}). Either becomes the SendReferral the REST API sends, for the
 * partner's organisation: recipient from Task.owner (or ServiceRequest.performer), patient from the subject's
 * identifier and display, priority, service (code), reason (reasonCode), note. The same request sent again (same
 * Bundle.identifier, else Bundle.id, else Task.identifier, else ServiceRequest.identifier) makes no second
 * referral and is answered like the first time.
 */
@Component
public class InboundReferrals {

    /** A new referral's Task.status: what the partner may call a referral it is sending. */
    private static final Set<Task.TaskStatus> NEW_TASK_STATUSES =
            Set.of(Task.TaskStatus.REQUESTED, Task.TaskStatus.RECEIVED, Task.TaskStatus.READY);

    /** The referral as the partner described it; the referral id and SLA are CareLoop's. */
    record NewReferral(String referralNumber, String recipient, Patient patient, Priority priority, String service,
                       String reason, String note, String identifierSystem) {

        /** Tells a replay from different content sent under the same key. */
        String fingerprint() {
            String canonical = String.join("\u0000", Objects.toString(referralNumber), recipient,
                    patient.identifierSystem(), patient.identifierValue(), Objects.toString(patient.name()),
                    priority.code(), service, reason, Objects.toString(note));
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(canonical.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final InboundCommands commands;
    private final KnownOrganisations organisations;
    private final SlaPolicy slas;
    private final InboundRequests requests;
    private final FhirLog log;
    private final PatientIdentifierSystems identifierSystems;
    private final PatientIds patientIds;

    InboundReferrals(InboundCommands commands, KnownOrganisations organisations, SlaPolicy slas,
                     InboundRequests requests, FhirLog log, PatientIdentifierSystems identifierSystems,
                     PatientIds patientIds) {
        this.patientIds = patientIds;
        this.commands = commands;
        this.organisations = organisations;
        this.slas = slas;
        this.requests = requests;
        this.log = log;
        this.identifierSystems = identifierSystems;
    }

    /** POST /fhir with a transaction Bundle: the transaction-response, one 201 entry per resource. */
    public Bundle transaction(Bundle bundle, FhirCaller caller) {
        if (bundle.getType() != Bundle.BundleType.TRANSACTION) {
            throw Outcomes.unprocessable("Bundle.type", "must be 'transaction': a referral is sent as a transaction "
                    + "of one ServiceRequest and one Task");
        }
        int serviceRequestAt = -1;
        int taskAt = -1;
        List<Bundle.BundleEntryComponent> entries = bundle.getEntry();
        for (int i = 0; i < entries.size(); i++) {
            Bundle.BundleEntryComponent entry = entries.get(i);
            String at = "Bundle.entry[" + i + "]";
            Resource resource = entry.getResource();
            if (resource instanceof ServiceRequest && serviceRequestAt < 0) {
                serviceRequestAt = i;
            } else if (resource instanceof Task && taskAt < 0) {
                taskAt = i;
            } else {
                throw Outcomes.unprocessable(at, "a referral is one ServiceRequest and one Task; this entry is "
                        + (resource == null ? "empty" : "another " + resource.fhirType()));
            }
            if (entry.getRequest().getMethod() != Bundle.HTTPVerb.POST) {
                throw Outcomes.unprocessable(at + ".request.method", "must be POST: a referral is created, "
                        + "and changed afterwards with PUT /fhir/Task/{id}");
            }
        }
        if (serviceRequestAt < 0 || taskAt < 0) {
            throw Outcomes.unprocessable("Bundle.entry", "a referral is one ServiceRequest and one Task; "
                    + (serviceRequestAt < 0 ? "the ServiceRequest" : "the Task") + " is missing");
        }
        CallerCheck.require(caller, "ServiceRequest", Access.WRITE);
        CallerCheck.require(caller, "Task", Access.WRITE);
        Bundle.BundleEntryComponent srEntry = entries.get(serviceRequestAt);
        ServiceRequest sr = (ServiceRequest) srEntry.getResource();
        Task task = (Task) entries.get(taskAt).getResource();
        String srAt = "Bundle.entry[" + serviceRequestAt + "].resource";
        String taskAt2 = "Bundle.entry[" + taskAt + "].resource";
        String focus = task.getFocus().getReference();
        String srId = sr.getIdElement().getIdPart();
        boolean focused = focus != null && (focus.equals(srEntry.getFullUrl())
                || (srId != null && focus.equals("ServiceRequest/" + srId)));
        if (!focused) {
            throw Outcomes.unprocessable(taskAt2 + ".focus", "must reference the ServiceRequest of this Bundle "
                    + "(its fullUrl" + (srEntry.hasFullUrl() ? ", " + srEntry.getFullUrl() : "") + ")");
        }
        NewReferral referral = read(sr, task, caller, srAt, taskAt2);
        String referralId = create(referral, bundleKey(bundle, task, sr), caller);

        Bundle response = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
        for (int i = 0; i < entries.size(); i++) {
            String type = i == serviceRequestAt ? "ServiceRequest" : "Task";
            Resource created = firstVersion(type, referralId, caller);
            response.addEntry().getResponse().setStatus("201 Created")
                    .setLocation(type + "/" + referralId + "/_history/1")
                    .setEtag("W/\"1\"")
                    .setLastModified(created.getMeta().getLastUpdated());
        }
        return response;
    }

    /** POST /fhir/Task with the ServiceRequest contained: 201, Location of the Task, the Task. */
    public MethodOutcome createTask(Task task, FhirCaller caller) {
        CallerCheck.require(caller, "ServiceRequest", Access.WRITE);
        String focus = task.getFocus().getReference();
        if (focus == null || !focus.startsWith("#")) {
            throw Outcomes.unprocessable("Task.focus", "must reference the ServiceRequest contained in this Task "
                    + "(\"#id\"); or send both as a transaction Bundle");
        }
        int at = -1;
        for (int i = 0; i < task.getContained().size() && at < 0; i++) {
            Resource contained = task.getContained().get(i);
            if (contained instanceof ServiceRequest && focus.substring(1).equals(contained.getIdElement().getIdPart())) {
                at = i;
            }
        }
        if (at < 0) {
            throw Outcomes.unprocessable("Task.focus", "names " + focus
                    + ", but no ServiceRequest with that id is contained in the Task");
        }
        ServiceRequest sr = (ServiceRequest) task.getContained().get(at);
        NewReferral referral = read(sr, task, caller, "Task.contained[" + at + "]", "Task");
        String referralId = create(referral, taskKey(task, sr), caller);
        Resource created = firstVersion("Task", referralId, caller);
        return new MethodOutcome(new IdType("Task", referralId, "1"), true).setResource(created);
    }

    /** The referral the partner described, checked as the REST API checks a new referral. */
    NewReferral read(ServiceRequest sr, Task task, FhirCaller caller, String srAt, String taskAt) {
        if (!NEW_TASK_STATUSES.contains(task.getStatus())) {
            throw Outcomes.unprocessable(taskAt + ".status", "a new referral's Task is requested, received or "
                    + "ready, not " + (task.getStatus() == null ? "empty" : task.getStatus().toCode()));
        }
        String owner = organisation(task.getOwner(), taskAt + ".owner");
        String performer = sr.hasPerformer() ? organisation(sr.getPerformerFirstRep(), srAt + ".performer[0]") : null;
        if (owner != null && performer != null && !owner.equals(performer)) {
            throw Outcomes.unprocessable(taskAt + ".owner", "names " + owner + " but the ServiceRequest's performer "
                    + "is " + performer + ": a referral has one recipient");
        }
        String recipient = owner != null ? owner : performer;
        String recipientAt = owner != null ? taskAt + ".owner" : srAt + ".performer[0]";
        if (recipient == null) {
            throw Outcomes.unprocessable(taskAt + ".owner", "names no recipient: set Task.owner to the receiving "
                    + "Organization");
        }
        if (!organisations.contains(recipient)) {
            throw Outcomes.unprocessable(recipientAt, "unknown organisation '" + recipient + "'");
        }
        if (recipient.equals(caller.organisation())) {
            throw Outcomes.unprocessable(recipientAt, "a clinic cannot refer to itself");
        }
        requireOwnOrganisation(sr.getRequester(), srAt + ".requester", caller);
        requireOwnOrganisation(task.getRequester(), taskAt + ".requester", caller);

        Reference subject = sr.getSubject();
        Identifier id = subject.getIdentifier();
        if (!id.hasSystem() || !id.hasValue()) {
            throw Outcomes.unprocessable(srAt + ".subject.identifier", "the patient is named by an identifier "
                    + "with system and value (CareLoop keys its Patient resources by it)");
        }
        require(subject.hasDisplay(), srAt + ".subject.display", "the patient's name is required");
        size(id.getSystem(), 255, srAt + ".subject.identifier.system");
        // A partner names patients in its own organisation's systems only, as on the REST API.
        require(identifierSystems.owns(caller.organisation(), id.getSystem()), srAt + ".subject.identifier.system",
                identifierSystems.refusal(caller.organisation(), id.getSystem()));
        size(id.getValue(), 128, srAt + ".subject.identifier.value");
        size(subject.getDisplay(), 255, srAt + ".subject.display");
        if (task.getFor().hasIdentifier() && !task.getFor().getIdentifier().equalsDeep(id)) {
            throw Outcomes.unprocessable(taskAt + ".for", "names another patient than the ServiceRequest's subject");
        }

        Priority priority = Priority.ROUTINE;
        if (sr.hasPriority()) {
            priority = Priority.fromCode(sr.getPriority().toCode());
        } else if (task.hasPriority()) {
            priority = Priority.fromCode(task.getPriority().toCode());
        }
        String service = text(sr.getCode());
        require(service != null, srAt + ".code", "the service requested is required (code.text or a coding)");
        size(service, 255, srAt + ".code");
        String reason = sr.getReasonCode().stream().map(InboundReferrals::text).filter(Objects::nonNull)
                .collect(Collectors.joining("; "));
        require(!reason.isBlank(), srAt + ".reasonCode", "the reason for the referral is required");
        size(reason, 4000, srAt + ".reasonCode");
        String note = sr.getNote().stream().map(Annotation::getText).filter(Objects::nonNull)
                .collect(Collectors.joining("\n"));
        size(note, 4000, srAt + ".note");
        String number = sr.hasIdentifier() ? sr.getIdentifierFirstRep().getValue() : null;
        size(number, 128, srAt + ".identifier[0].value");
        // The sender's numbering, kept as sent (never another organisation's CareLoop system).
        String system = number != null && sr.getIdentifierFirstRep().hasSystem()
                ? sr.getIdentifierFirstRep().getSystem() : null;
        size(system, 255, srAt + ".identifier[0].system");
        require(system == null || !system.startsWith(ReferralIdentifiers.systemFor(""))
                        || system.equals(ReferralIdentifiers.systemFor(caller.organisation())),
                srAt + ".identifier[0].system", "a referral is numbered in the sender's own system, not another "
                        + "organisation's");
        return new NewReferral(number, recipient,
                patientIds.patient(id.getSystem(), id.getValue(), subject.getDisplay(), null), priority, service, reason,
                note.isBlank() ? null : note, system);
    }

    /** Sends the referral once per request key; a replay answers the referral the first request made. */
    private String create(NewReferral referral, String key, FhirCaller caller) {
        String organisation = caller.organisation();
        String referralId = UUID.randomUUID().toString();
        if (key == null) {
            send(referralId, referral, caller);
            return referralId;
        }
        String fingerprint = referral.fingerprint();
        var claimed = requests.claim(organisation, key, fingerprint, referralId, caller.actor().client());
        if (claimed.isEmpty()) {
            try {
                send(referralId, referral, caller);
            } catch (RuntimeException e) {
                requests.release(organisation, key, referralId);
                throw e;
            }
            return referralId;
        }
        if (!claimed.get().fingerprint().equals(fingerprint)) {
            throw new ResourceVersionConflictException("a referral was already received as " + key
                    + " with different content", Outcomes.error(IssueType.DUPLICATE, "a referral was already received"
                    + " as " + key + " with different content; send a new referral under a new identifier", null));
        }
        String existing = claimed.get().referralId();
        if (log.vread("Task", existing, 1, organisation).isEmpty()) {
            // The first request has not reached the log (still running, or it died): send it under the same id;
            // the log takes one first event per referral, so only one of the two can be written.
            try {
                send(existing, referral, caller);
            } catch (ResourceVersionConflictException alreadyWritten) {
                // The first request made it in the meantime.
            }
        }
        return existing;
    }

    private void send(String referralId, NewReferral r, FhirCaller caller) {
        String number = r.referralNumber() == null || r.referralNumber().isBlank()
                ? "REF-" + referralId.substring(0, 8).toUpperCase() : r.referralNumber();
        commands.send(new SendReferral(referralId, number, r.recipient(), r.patient(), r.priority(), r.service(),
                r.reason(), r.note(), slas.dueAt(r.priority()), r.identifierSystem()), caller.actor(), null, null);
    }

    private Resource firstVersion(String type, String referralId, FhirCaller caller) {
        return log.vread(type, referralId, 1, caller.organisation())
                .orElseThrow(() -> new IllegalStateException(type + "/" + referralId + " is not in the log"));
    }

    private static String bundleKey(Bundle bundle, Task task, ServiceRequest sr) {
        if (bundle.hasIdentifier() && bundle.getIdentifier().hasValue()) {
            return "Bundle.identifier|" + key(bundle.getIdentifier());
        }
        if (bundle.getIdElement().hasIdPart()) {
            return "Bundle.id|" + bundle.getIdElement().getIdPart();
        }
        return taskKey(task, sr);
    }

    private static String taskKey(Task task, ServiceRequest sr) {
        if (task.hasIdentifier() && task.getIdentifierFirstRep().hasValue()) {
            return "Task.identifier|" + key(task.getIdentifierFirstRep());
        }
        if (sr.hasIdentifier() && sr.getIdentifierFirstRep().hasValue()) {
            return "ServiceRequest.identifier|" + key(sr.getIdentifierFirstRep());
        }
        return null;
    }

    private static String key(Identifier identifier) {
        return Objects.toString(identifier.getSystem(), "") + "|" + identifier.getValue();
    }

    private void requireOwnOrganisation(Reference requester, String at, FhirCaller caller) {
        if (requester.isEmpty()) {
            return;
        }
        String organisation = organisation(requester, at);
        if (!caller.organisation().equals(organisation)) {
            throw Outcomes.unprocessable(at, "must be your own organisation (" + caller.organisation()
                    + "): a partner refers for the organisation its token names");
        }
    }

    /** The organisation id of an {@code Organization/{id}} reference; null for an empty reference. */
    static String organisation(Reference reference, String at) {
        if (reference == null || reference.isEmpty()) {
            return null;
        }
        IdType id = new IdType(reference.getReference());
        if (!reference.hasReference() || !"Organization".equals(id.getResourceType()) || !id.hasIdPart()) {
            throw Outcomes.unprocessable(at, "must reference an Organization as Organization/{id}");
        }
        return id.getIdPart();
    }

    static String text(CodeableConcept concept) {
        if (concept == null || concept.isEmpty()) {
            return null;
        }
        if (concept.hasText()) {
            return concept.getText();
        }
        return concept.getCoding().stream()
                .map(c -> c.hasDisplay() ? c.getDisplay() : c.getCode()).filter(Objects::nonNull)
                .findFirst().orElse(null);
    }

    private static void require(boolean ok, String at, String reason) {
        if (!ok) {
            throw Outcomes.unprocessable(at, reason);
        }
    }

    private static void size(String value, int max, String at) {
        if (value != null && value.length() > max) {
            throw Outcomes.unprocessable(at, "is longer than " + max + " characters");
        }
    }
}
