package dev.careloop.fhir.inbound;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import dev.careloop.api.referral.AcceptReferral;
import dev.careloop.api.referral.AcknowledgeOutcome;
import dev.careloop.api.referral.ConfirmCancellation;
import dev.careloop.api.referral.DeclineReferral;
import dev.careloop.api.referral.ForwardReferral;
import dev.careloop.api.referral.ProvideInformation;
import dev.careloop.api.referral.ReferralStatus;
import dev.careloop.api.referral.RequestCancellation;
import dev.careloop.api.referral.RequestInformation;
import dev.careloop.api.referral.SendOutcome;
import dev.careloop.fhir.facade.FhirCaller;
import dev.careloop.fhir.facade.FhirLog;
import dev.careloop.fhir.facade.Outcomes;
import dev.careloop.fhir.mapping.Bser;
import dev.careloop.plumbing.IfMatch;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * PUT /fhir/Task/{id}: a partner moves a referral by changing its Task, and the change becomes the command the
 * REST API sends for the same step, under the same rules (an illegal step is a 409):
 * <ul>
 *   <li>status accepted: accept (AcceptReferral)</li>
 *   <li>status rejected, statusReason the reason: decline (DeclineReferral)</li>
 *   <li>status on-hold, statusReason the question: request information (RequestInformation)</li>
 *   <li>status completed, the consult report as an output with a valueString, or as a DocumentReference
 *       contained in the Task (BSeR's feedback document: its attachment's text) that an output names; other
 *       DocumentReference outputs name records attached to the referral: send the outcome (SendOutcome)</li>
 *   <li>status cancelled: confirm the requested cancellation (ConfirmCancellation)</li>
 *   <li>from on-hold to any open status, the answer as the Task's last note: the initiator answers the question
 *       (ProvideInformation; the referral resumes where it was)</li>
 *   <li>businessStatus 5.2 (BSeR's or CareLoop's system), statusReason the reason: request cancellation, by the
 *       initiator (RequestCancellation)</li>
 *   <li>businessStatus CareLoop's {@code loop-closed} on a completed Task: the initiator acknowledges the outcome
 *       (AcknowledgeOutcome)</li>
 *   <li>owner another Organization, statusReason the reason: forward (ForwardReferral)</li>
 * </ul>
 * One step per update. Other statuses (draft, requested, ready, in-progress, failed, entered-in-error) are not
 * steps a partner can take here: scheduling goes through the Appointment, interim notes through a Communication.
 * An update that changes none of these answers the Task as it is and writes nothing. If-Match {@code W/"n"} is required (428 without it): a stale one
 * is a 412.
 */
@Component
public class TaskUpdates {

    private final InboundCommands commands;
    private final KnownOrganisations organisations;
    private final FhirLog log;

    TaskUpdates(InboundCommands commands, KnownOrganisations organisations, FhirLog log) {
        this.commands = commands;
        this.organisations = organisations;
        this.log = log;
    }

    /** The Task after the update (its new version), or as it was when the update changed nothing. */
    public Task update(IdType id, Task updated, String ifMatch, FhirCaller caller) {
        String referralId = id.getIdPart();
        Task current = (Task) log.read("Task", referralId, caller.organisation())
                .orElseThrow(() -> new ResourceNotFoundException(id.toUnqualifiedVersionless()));
        if (updated.getIdElement().hasIdPart() && !referralId.equals(updated.getIdElement().getIdPart())) {
            throw Outcomes.unprocessable("Task.id", "is " + updated.getIdElement().getIdPart() + " but the URL names "
                    + referralId);
        }
        Object command = command(referralId, current, updated);
        // A PUT replaces the Task the partner read: it must name that version (docs/API.md, "Rules every write
        // follows").
        Long expected = version(ifMatch);
        if (expected == null) {
            throw preconditionRequired();
        }
        if (command == null) {
            return current;
        }
        long now = Long.parseLong(current.getMeta().getVersionId());
        if (expected != now) {
            throw stale(expected, now);
        }
        long version = commands.send(command, caller.actor(), expected, expression(command));
        return (Task) log.vread("Task", referralId, version, caller.organisation())
                .orElseThrow(() -> new IllegalStateException("Task/" + referralId + "/_history/" + version
                        + " is not in the log"));
    }

    /** The step {@code updated} asks for, or null when it asks for none. */
    Object command(String referralId, Task current, Task updated) {
        List<Object> steps = new ArrayList<>();
        // The owner as read (an Organization, or the PractitionerRole of the person who took the referral on)
        // sent back unchanged is no forward; a forward names the new recipient Organization.
        boolean sameOwner = !updated.hasOwner() || (updated.getOwner().hasReference()
                && updated.getOwner().getReference().equals(current.getOwner().getReference()));
        String owner = sameOwner ? null : InboundReferrals.organisation(updated.getOwner(), "Task.owner");
        String currentOwner = ownerOrganisation(current);
        if (owner != null && !owner.equals(currentOwner)) {
            if (!organisations.contains(owner)) {
                throw Outcomes.unprocessable("Task.owner", "unknown organisation '" + owner + "'");
            }
            steps.add(new ForwardReferral(referralId, owner, reason(updated)));
        }
        Task.TaskStatus status = updated.getStatus();
        if (status != null && status != current.getStatus() && current.getStatus() == Task.TaskStatus.ONHOLD
                && ANSWERS.contains(status)) {
            steps.add(new ProvideInformation(referralId, required(answer(updated, current), "Task.note",
                    "the answer to the question is required, as a new Task.note")));
        } else if (status != null && status != current.getStatus()) {
            steps.add(switch (status) {
                case ACCEPTED -> new AcceptReferral(referralId);
                case REJECTED -> new DeclineReferral(referralId, required(reason(updated), "Task.statusReason",
                        "the reason for declining is required"));
                case ONHOLD -> new RequestInformation(referralId, required(reason(updated), "Task.statusReason",
                        "the question the referral is on hold for is required"));
                case CANCELLED -> new ConfirmCancellation(referralId);
                case COMPLETED -> outcome(referralId, updated);
                default -> throw new ResourceVersionConflictException("a partner cannot move a referral to Task.status "
                        + status.toCode(), Outcomes.error(IssueType.BUSINESSRULE, "a partner cannot move a referral "
                        + "to Task.status " + status.toCode() + " (" + current.getStatus().toCode() + " now); "
                        + "accepted, rejected, on-hold, completed and cancelled are the steps it can take (and, "
                        + "from on-hold, the answer to the question); book a visit with an Appointment and send "
                        + "an interim note as a Communication", "Task.status"));
            });
        }
        List<String> business = businessStatuses(updated.getBusinessStatus());
        List<String> currentBusiness = businessStatuses(current.getBusinessStatus());
        if (business.contains(ReferralStatus.CANCELLATION_REQUESTED.businessStatus())
                && !currentBusiness.contains(ReferralStatus.CANCELLATION_REQUESTED.businessStatus())) {
            steps.add(new RequestCancellation(referralId, required(reason(updated), "Task.statusReason",
                    "the reason for asking to cancel is required")));
        }
        if (business.contains(Bser.LOOP_CLOSED) && !currentBusiness.contains(Bser.LOOP_CLOSED)) {
            steps.add(new AcknowledgeOutcome(referralId));
        }
        if (steps.size() > 1) {
            throw Outcomes.unprocessable("Task", "asks for " + steps.size() + " steps at once ("
                    + String.join(", ", steps.stream().map(s -> s.getClass().getSimpleName()).toList())
                    + "); send one update per step");
        }
        return steps.isEmpty() ? null : steps.get(0);
    }

    /** Task.status a partner may set, leaving on-hold, to answer the question the referral is on hold for. */
    private static final java.util.Set<Task.TaskStatus> ANSWERS = java.util.EnumSet.of(Task.TaskStatus.REQUESTED,
            Task.TaskStatus.RECEIVED, Task.TaskStatus.READY, Task.TaskStatus.ACCEPTED, Task.TaskStatus.INPROGRESS);

    private static SendOutcome outcome(String referralId, Task updated) {
        String report = null;
        List<String> records = new ArrayList<>();
        for (Task.TaskOutputComponent output : updated.getOutput()) {
            if (output.getValue() instanceof StringType text && report == null) {
                report = text.getValue();
            } else if (output.getValue() instanceof Reference ref && ref.hasReference()
                    && ref.getReference().startsWith("#")) {
                String document = contained(updated, ref.getReference().substring(1));
                if (report == null) {
                    report = document;
                }
            } else if (output.getValue() instanceof Reference ref && ref.hasReference()
                    && "DocumentReference".equals(new IdType(ref.getReference()).getResourceType())) {
                String id = new IdType(ref.getReference()).getIdPart();
                // Our own feedback document, read and sent back, is the report already given, not a record.
                if (!id.startsWith(referralId + "-feedback-")) {
                    records.add(id);
                }
            }
        }
        return new SendOutcome(referralId, required(report, "Task.output",
                "the consult report is required, as an output with a valueString"), records);
    }

    /** The text of the feedback document contained in {@code task} as {@code id} (its text attachment). */
    private static String contained(Task task, String id) {
        for (Resource resource : task.getContained()) {
            if (resource instanceof DocumentReference document && id.equals(document.getIdElement().getIdPart())) {
                for (DocumentReference.DocumentReferenceContentComponent content : document.getContent()) {
                    Attachment attachment = content.getAttachment();
                    if (attachment.hasData() && (!attachment.hasContentType()
                            || attachment.getContentType().startsWith("text/"))) {
                        return new String(attachment.getData(), StandardCharsets.UTF_8);
                    }
                }
                throw Outcomes.unprocessable("Task.contained", "the feedback document #" + id + " carries the "
                        + "consult report as a text attachment (contentType text/plain, data)");
            }
        }
        throw Outcomes.unprocessable("Task.output", "names #" + id + ", but no DocumentReference with that id is "
                + "contained in the Task");
    }

    /** The answer an initiator sends with the Task: the last note, when the Task as read did not have it. */
    private static String answer(Task updated, Task current) {
        List<Annotation> notes = updated.getNote();
        if (notes.isEmpty()) {
            return null;
        }
        String text = notes.get(notes.size() - 1).getText();
        boolean old = current.getNote().stream().anyMatch(n -> Objects.equals(n.getText(), text));
        return old ? null : text;
    }

    /** The organisation a Task's owner is: the Organization, or the one of the PractitionerRole we emitted. */
    private static String ownerOrganisation(Task task) {
        Reference owner = task.getOwner();
        if (owner.hasReference() && owner.getReference().startsWith("PractitionerRole/")) {
            // Ours are {organisation}.{practitioner} (FhirPeople.roleId).
            String role = new IdType(owner.getReference()).getIdPart();
            int dot = role.indexOf('.');
            return dot > 0 ? role.substring(0, dot) : null;
        }
        return InboundReferrals.organisation(owner, "Task.owner");
    }

    private static String reason(Task task) {
        return task.hasStatusReason() ? InboundReferrals.text(task.getStatusReason()) : null;
    }

    /** The business status codes in BSeR's and CareLoop's systems. */
    private static List<String> businessStatuses(CodeableConcept concept) {
        return concept == null ? List.of() : concept.getCoding().stream()
                .filter(c -> ReferralStatus.BUSINESS_STATUS_SYSTEM.equals(c.getSystem())
                        || Bser.BUSINESS_STATUS_SYSTEM.equals(c.getSystem()))
                .map(c -> c.getCode()).filter(Objects::nonNull).toList();
    }

    private static String required(String value, String at, String reason) {
        if (value == null || value.isBlank()) {
            throw Outcomes.unprocessable(at, reason);
        }
        return value;
    }

    /** Where a refusal of {@code command} points in the Task. */
    private static String expression(Object command) {
        return command instanceof ForwardReferral ? "Task.owner"
                : command instanceof RequestCancellation || command instanceof AcknowledgeOutcome
                ? "Task.businessStatus" : command instanceof ProvideInformation ? "Task.note" : "Task.status";
    }

    /** 428: a PUT without the version it replaces, named in an OperationOutcome. */
    static BaseServerResponseException preconditionRequired() {
        String diagnostics = "If-Match is required on PUT: send the version you last read, such as W/\"3\", so that "
                + "this update cannot overwrite a change you have not seen";
        return new UnclassifiedServerFailureException(428, diagnostics,
                Outcomes.error(IssueType.REQUIRED, diagnostics, null));
    }

    /** 412 (FHIR's answer to a stale If-Match): the Task changed since the partner read it; nothing is written. */
    static BaseServerResponseException stale(long expected, long now) {
        String diagnostics = "the referral has changed: you sent If-Match version " + expected
                + " but it is now at version " + now + "; read it again and send your change with the new version";
        return new PreconditionFailedException(diagnostics, Outcomes.error(IssueType.CONFLICT, diagnostics, null));
    }

    /** The version If-Match names ({@link IfMatch}); null when absent or {@code *}. */
    static Long version(String ifMatch) {
        try {
            return IfMatch.parse(ifMatch);
        } catch (IfMatch.Malformed e) {
            throw new InvalidRequestException("If-Match must be the version you last read, such as W/\"3\"");
        }
    }
}
