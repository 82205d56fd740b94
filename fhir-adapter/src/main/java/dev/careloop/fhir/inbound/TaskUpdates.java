package dev.careloop.fhir.inbound;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import dev.careloop.api.referral.AcceptReferral;
import dev.careloop.api.referral.ConfirmCancellation;
import dev.careloop.api.referral.DeclineReferral;
import dev.careloop.api.referral.ForwardReferral;
import dev.careloop.api.referral.ReferralStatus;
import dev.careloop.api.referral.RequestCancellation;
import dev.careloop.api.referral.RequestInformation;
import dev.careloop.api.referral.SendOutcome;
import dev.careloop.fhir.facade.FhirCaller;
import dev.careloop.fhir.facade.FhirLog;
import dev.careloop.fhir.facade.Outcomes;
import dev.careloop.plumbing.IfMatch;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;

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
 *   <li>status completed, an output with the consult report as text (and DocumentReference outputs for
 *       records attached to the referral): send the outcome (SendOutcome)</li>
 *   <li>status cancelled: confirm the requested cancellation (ConfirmCancellation)</li>
 *   <li>businessStatus 5.2, statusReason the reason: request cancellation, by the initiator (RequestCancellation)</li>
 *   <li>owner another Organization, statusReason the reason: forward (ForwardReferral)</li>
 * </ul>
 * One step per update. Other statuses (draft, requested, ready, in-progress, failed, entered-in-error) are not
 * steps a partner can take here: scheduling goes through the appointment. An update that changes none of these
 * answers the Task as it is and writes nothing. If-Match {@code W/"n"} is required (428 without it): a stale one
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
        String owner = InboundReferrals.organisation(updated.getOwner(), "Task.owner");
        String currentOwner = InboundReferrals.organisation(current.getOwner(), "Task.owner");
        if (owner != null && !owner.equals(currentOwner)) {
            if (!organisations.contains(owner)) {
                throw Outcomes.unprocessable("Task.owner", "unknown organisation '" + owner + "'");
            }
            steps.add(new ForwardReferral(referralId, owner, reason(updated)));
        }
        Task.TaskStatus status = updated.getStatus();
        if (status != null && status != current.getStatus()) {
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
                        + "accepted, rejected, on-hold, completed and cancelled are the steps it can take",
                        "Task.status"));
            });
        }
        String business = businessStatus(updated.getBusinessStatus());
        if (business != null && !business.equals(businessStatus(current.getBusinessStatus()))
                && business.equals(ReferralStatus.CANCELLATION_REQUESTED.businessStatus())) {
            steps.add(new RequestCancellation(referralId, required(reason(updated), "Task.statusReason",
                    "the reason for asking to cancel is required")));
        }
        if (steps.size() > 1) {
            throw Outcomes.unprocessable("Task", "asks for " + steps.size() + " steps at once ("
                    + String.join(", ", steps.stream().map(s -> s.getClass().getSimpleName()).toList())
                    + "); send one update per step");
        }
        return steps.isEmpty() ? null : steps.get(0);
    }

    private static SendOutcome outcome(String referralId, Task updated) {
        String report = null;
        List<String> records = new ArrayList<>();
        for (Task.TaskOutputComponent output : updated.getOutput()) {
            if (output.getValue() instanceof StringType text && report == null) {
                report = text.getValue();
            } else if (output.getValue() instanceof Reference ref
                    && "DocumentReference".equals(new IdType(ref.getReference()).getResourceType())) {
                records.add(new IdType(ref.getReference()).getIdPart());
            }
        }
        return new SendOutcome(referralId, required(report, "Task.output",
                "the consult report is required, as an output with a valueString"), records);
    }

    private static String reason(Task task) {
        return task.hasStatusReason() ? InboundReferrals.text(task.getStatusReason()) : null;
    }

    private static String businessStatus(CodeableConcept concept) {
        return concept == null ? null : concept.getCoding().stream()
                .filter(c -> ReferralStatus.BUSINESS_STATUS_SYSTEM.equals(c.getSystem()))
                .map(c -> c.getCode()).filter(Objects::nonNull).findFirst().orElse(null);
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
                : command instanceof RequestCancellation ? "Task.businessStatus" : "Task.status";
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
