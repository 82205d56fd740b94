package dev.careloop.app.fhir.inbound;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import dev.careloop.app.CareLoopIntegrationTest;
import dev.careloop.fhir.inbound.R4Validator;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;

import static dev.careloop.app.fhir.FhirClients.DERM;
import static dev.careloop.app.fhir.FhirClients.GP;
import static dev.careloop.app.fhir.FhirClients.assertValid;
import static dev.careloop.app.fhir.FhirClients.await;
import static dev.careloop.app.fhir.FhirClients.hapi;
import static dev.careloop.app.fhir.FhirClients.mrn;
import static dev.careloop.app.fhir.inbound.FhirInboundTest.referralBundle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two partner EHRs close a whole referral loop through FHIR alone, with HAPI's generic client and nothing of the
 * REST API: northside-gp's EHR sends the referral, answers the question and acknowledges the outcome; riverside-derm's
 * accepts, asks, books and moves the visit, sends an interim note and completes with a feedback document. Every
 * resource either reads back is valid R4 and keeps the must-support rules of BSeR's ReferralTask and
 * ReferralServiceRequest (written out below: the IG's StructureDefinitions are not available offline).
 */
@CareLoopIntegrationTest
class EhrClosesTheLoopTest {

    private static final String BSER = "http://hl7.org/fhir/us/bser";
    private static final String BSER_STATUS = BSER + "/CodeSystem/TaskBusinessStatusCS";
    private static final String CARELOOP_STATUS = "https://careloop.dev/fhir/CodeSystem/referral-business-status";

    @LocalServerPort
    int port;

    @Autowired
    R4Validator validator;

    private IGenericClient sender;
    private IGenericClient receiver;

    @BeforeEach
    void clients() {
        sender = hapi(port, "northside-ehr");
        receiver = hapi(port, "riverside-ehr");
        // The validator warms up once CareLoop has started; a partner's write waits for it (HAPI's client: 10 s).
        await(Duration.ofSeconds(180), validator::ready, "the FHIR validator warmed up");
    }

    @Test
    void aSenderAndAReceiverCloseTheLoopThroughFhirAlone() {
        String mrn = mrn();
        Bundle created = sender.transaction().withBundle(referralBundle(mrn, "Organization/" + DERM)).execute();
        String id = new IdType(created.getEntry().get(1).getResponse().getLocation()).getIdPart();
        Task sent = readTask(sender, id);
        assertThat(sent.getStatus()).isEqualTo(Task.TaskStatus.RECEIVED);
        assertThat(sent.getIdentifierFirstRep().getSystem()).as("the sender's own system, kept as sent")
                .isEqualTo("https://northside-gp.example/referral");
        assertThat(sent.getIdentifierFirstRep().getValue()).isEqualTo("NG-" + mrn);
        assertThat(bser(sent)).containsExactly("2.0");

        // The receiver accepts, then asks a question (on hold).
        Task accepting = readTask(receiver, id).setStatus(Task.TaskStatus.ACCEPTED);
        Task accepted = update(receiver, accepting);
        assertThat(bser(accepted)).containsExactly("3.0");
        Task asking = accepted.copy().setStatus(Task.TaskStatus.ONHOLD)
                .setStatusReason(new CodeableConcept().setText("Is the lesion raised?"));
        Task onHold = update(receiver, asking);
        assertThat(onHold.getStatus()).isEqualTo(Task.TaskStatus.ONHOLD);

        // The sender answers by updating the Task out of on-hold, the answer as a note: the referral resumes.
        Task answering = readTask(sender, id).setStatus(Task.TaskStatus.INPROGRESS);
        answering.addNote().setText("Yes, raised and itchy");
        Task answered = update(sender, answering);
        assertThat(answered.getStatus()).as("resumed where it was").isEqualTo(Task.TaskStatus.ACCEPTED);
        Communication answer = communicationOf(sender, id, "Yes, raised and itchy");
        assertThat(answer.getSender().getReference()).isEqualTo("Organization/" + GP);

        // A second question, answered with a Communication this time.
        update(receiver, readTask(receiver, id).setStatus(Task.TaskStatus.ONHOLD)
                .setStatusReason(new CodeableConcept().setText("Any bleeding?")));
        Communication reply = new Communication().setStatus(Communication.CommunicationStatus.COMPLETED);
        reply.addPartOf(new Reference("Task/" + id));
        reply.addPayload().setContent(new StringType("No bleeding"));
        MethodOutcome replied = sender.create().resource(reply).execute();
        assertThat(replied.getCreated()).isTrue();
        valid((Resource) replied.getResource());
        assertThat(readTask(sender, id).getStatus()).isEqualTo(Task.TaskStatus.ACCEPTED);

        // The receiver books the visit, then moves it.
        Instant start = Instant.now().plus(7, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MINUTES);
        Appointment booking = visit(id, start, "Riverside clinic, room 2");
        MethodOutcome booked = receiver.create().resource(booking).execute();
        Appointment appointment = (Appointment) booked.getResource();
        valid(appointment);
        assertThat(appointment.getStatus()).isEqualTo(Appointment.AppointmentStatus.BOOKED);
        assertThat(bser(readTask(receiver, id))).containsExactly("5.1.1");
        // The answer lost, the EHR posts the same booking again: its own visit, 200, nothing booked twice.
        MethodOutcome retried = receiver.create().resource(visit(id, start, "Riverside clinic, room 2")).execute();
        assertThat(retried.getResponseStatusCode()).isEqualTo(200);
        assertThat(retried.getId().getIdPart()).isEqualTo(appointment.getIdElement().getIdPart());
        assertThat(((Appointment) retried.getResource()).getMeta().getVersionId())
                .isEqualTo(appointment.getMeta().getVersionId());
        // Another visit while this one is booked is still refused: a reschedule is a PUT of this Appointment.
        assertThatThrownBy(() -> receiver.create().resource(visit(id, start.plus(2, ChronoUnit.HOURS),
                "Riverside clinic, room 2")).execute()).isInstanceOf(ResourceVersionConflictException.class);
        Appointment moving = receiver.read().resource(Appointment.class).withId(appointment.getIdElement().getIdPart())
                .execute();
        moving.setStartElement(new InstantType(Date.from(start.plus(1, ChronoUnit.DAYS))));
        moving.setEndElement(new InstantType(Date.from(start.plus(1, ChronoUnit.DAYS).plus(30, ChronoUnit.MINUTES))));
        moving.setComment("Clinic closed that day");
        MethodOutcome moved = receiver.update().resource(moving).withId(new IdType("Appointment",
                moving.getIdElement().getIdPart(), moving.getMeta().getVersionId())).execute();
        Appointment rescheduled = (Appointment) moved.getResource();
        valid(rescheduled);
        assertThat(rescheduled.getStart().toInstant()).isEqualTo(start.plus(1, ChronoUnit.DAYS));
        ServiceRequest order = sender.read().resource(ServiceRequest.class).withId(id).execute();
        assertThat(order.getOccurrenceDateTimeType().getValue().toInstant()).as("the visit, as the order's occurrence")
                .isEqualTo(start.plus(1, ChronoUnit.DAYS));

        // An interim note, then the outcome as a feedback document contained in the Task.
        Communication note = new Communication().setStatus(Communication.CommunicationStatus.COMPLETED);
        note.addPartOf(new Reference("Task/" + id));
        note.addPayload().setContent(new StringType("Biopsy taken; results in a week"));
        valid((Resource) receiver.create().resource(note).execute().getResource());
        assertThat(bser(readTask(receiver, id))).containsExactly("5.1.4");
        Task completing = readTask(receiver, id).setStatus(Task.TaskStatus.COMPLETED);
        DocumentReference report = new DocumentReference().setStatus(Enumerations.DocumentReferenceStatus.CURRENT);
        report.setId("report");
        report.addContent().setAttachment(new Attachment().setContentType("text/plain")
                .setData("Benign naevus; no follow-up needed".getBytes(StandardCharsets.UTF_8)));
        completing.addContained(report);
        completing.addOutput().setType(new CodeableConcept().setText("Referral feedback"))
                .setValue(new Reference("#report"));
        Task completed = update(receiver, completing);
        assertThat(bser(completed)).containsExactly("7.0");

        // The sender reads the feedback document CareLoop serves, then acknowledges it: the loop is closed.
        Task done = readTask(sender, id);
        Reference feedbackRef = done.getOutput().stream().map(Task.TaskOutputComponent::getValue)
                .filter(Reference.class::isInstance).map(Reference.class::cast)
                .filter(r -> r.getReference().startsWith("DocumentReference/")).findFirst().orElseThrow();
        DocumentReference feedback = sender.read().resource(DocumentReference.class)
                .withId(feedbackRef.getReferenceElement().getIdPart()).execute();
        valid(feedback);
        assertThat(new String(feedback.getContentFirstRep().getAttachment().getData(), StandardCharsets.UTF_8))
                .isEqualTo("Benign naevus; no follow-up needed");
        Task acknowledging = done.copy();
        acknowledging.getBusinessStatus().addCoding(new Coding(CARELOOP_STATUS, "loop-closed", null));
        Task closed = update(sender, acknowledging);
        assertThat(closed.getBusinessStatus().getCoding()).extracting(Coding::getSystem, Coding::getCode)
                .contains(org.assertj.core.groups.Tuple.tuple(BSER_STATUS, "7.0"),
                        org.assertj.core.groups.Tuple.tuple(CARELOOP_STATUS, "loop-closed"));

        // A change sent with the version the sender last read, long gone, is a 412 and writes nothing.
        Task stale = sent.copy().setStatus(Task.TaskStatus.CANCELLED);
        assertThatThrownBy(() -> sender.update().resource(stale).withId(new IdType("Task", id, "1")).execute())
                .isInstanceOf(PreconditionFailedException.class);
        assertThat(readTask(sender, id).getMeta().getVersionId()).isEqualTo(closed.getMeta().getVersionId());
    }

    @Test
    void theSenderCancelsAndTheReceiverConfirmsThroughFhir() {
        Bundle created = sender.transaction().withBundle(referralBundle(mrn(), "Organization/" + DERM)).execute();
        String id = new IdType(created.getEntry().get(1).getResponse().getLocation()).getIdPart();

        Task asking = readTask(sender, id).setStatusReason(new CodeableConcept().setText("Patient moved away"));
        asking.setBusinessStatus(new CodeableConcept(new Coding(BSER_STATUS, "5.2", null)));
        Task requested = update(sender, asking);
        Task cancelled = update(receiver, readTask(receiver, id).setStatus(Task.TaskStatus.CANCELLED));

        assertThat(bser(requested)).containsExactly("5.2");
        assertThat(cancelled.getStatus()).isEqualTo(Task.TaskStatus.CANCELLED);
        assertThat(bser(cancelled)).containsExactly("6.0");
        assertThat(sender.read().resource(ServiceRequest.class).withId(id).execute().getStatus())
                .isEqualTo(ServiceRequest.ServiceRequestStatus.REVOKED);
    }

    @Test
    void theCapabilityStatementNamesBserAndItsProfiles() {
        CapabilityStatement statement = sender.capabilities().ofType(CapabilityStatement.class).execute();

        assertThat(statement.getImplementationGuide()).extracting(c -> c.getValue())
                .contains(BSER + "/ImplementationGuide/hl7.fhir.us.bser");
        assertThat(statement.getRestFirstRep().getResource()).filteredOn(r -> r.getType().equals("Task"))
                .flatExtracting(r -> r.getSupportedProfile()).extracting(c -> c.getValue())
                .contains(BSER + "/StructureDefinition/ReferralTask");
        assertThat(statement.getRestFirstRep().getResource()).filteredOn(r -> r.getType().equals("Communication"))
                .flatExtracting(r -> r.getInteraction()).extracting(i -> i.getCode().toCode()).contains("create");
        assertThat(statement.getRestFirstRep().getResource()).filteredOn(r -> r.getType().equals("Appointment"))
                .flatExtracting(r -> r.getInteraction()).extracting(i -> i.getCode().toCode())
                .contains("create", "update");
    }

    // --- helpers ----------------------------------------------------------------------------------------

    /** Reads the Task, checks it is valid R4 and keeps BSeR's rules, and answers it. */
    private Task readTask(IGenericClient client, String id) {
        Task task = client.read().resource(Task.class).withId(id).execute();
        valid(task);
        ServiceRequest order = client.read().resource(ServiceRequest.class).withId(id).execute();
        valid(order);
        return task;
    }

    /** PUT with the version read (HAPI's client sends it as If-Match); the Task after the change. */
    private Task update(IGenericClient client, Task task) {
        MethodOutcome outcome = client.update().resource(task)
                .withId(new IdType("Task", task.getIdElement().getIdPart(), task.getMeta().getVersionId())).execute();
        Task updated = (Task) outcome.getResource();
        valid(updated);
        return updated;
    }

    private Communication communicationOf(IGenericClient client, String referralId, String text) {
        Bundle found = client.search().forResource(Communication.class).returnBundle(Bundle.class).count(100).execute();
        return found.getEntry().stream().map(e -> (Communication) e.getResource())
                .filter(c -> c.getIdElement().getIdPart().startsWith(referralId + "-"))
                .filter(c -> c.getPayload().stream().anyMatch(p -> text.equals(p.getContent().primitiveValue())))
                .peek(this::valid).findFirst()
                .orElseGet(() -> (Communication) readEach(client, referralId, text));
    }

    /** The index may lag the log: read the referral's Communications one by one. */
    private Resource readEach(IGenericClient client, String referralId, String text) {
        for (int version = 1; version <= 20; version++) {
            try {
                Communication c = client.read().resource(Communication.class).withId(referralId + "-" + version)
                        .execute();
                if (c.getPayload().stream().anyMatch(p -> text.equals(p.getContent().primitiveValue()))) {
                    valid(c);
                    return c;
                }
            } catch (ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException notMadeByThisChange) {
                // not every change makes a Communication
            }
        }
        throw new AssertionError("no Communication of " + referralId + " says " + text);
    }

    private static Appointment visit(String referralId, Instant start, String where) {
        Appointment appointment = new Appointment().setStatus(Appointment.AppointmentStatus.BOOKED);
        appointment.addBasedOn(new Reference("ServiceRequest/" + referralId));
        appointment.setStartElement(new InstantType(Date.from(start)));
        appointment.setEndElement(new InstantType(Date.from(start.plus(30, ChronoUnit.MINUTES))));
        appointment.addParticipant().setActor(new Reference().setType("Location").setDisplay(where))
                .setStatus(Appointment.ParticipationStatus.ACCEPTED);
        return appointment;
    }

    /** Valid R4, and the must-support rules of BSeR's profile where the resource claims one. */
    private void valid(Resource resource) {
        assertValid(validator, resource);
        if (resource instanceof Task task) {
            bserTask(task);
        } else if (resource instanceof ServiceRequest order) {
            bserOrder(order);
        }
    }

    /** BSeR ReferralTask: the rules its StructureDefinition states (input/fsh/profiles/ReferralTask.fsh). */
    private static void bserTask(Task task) {
        assertThat(task.getMeta().getProfile()).extracting(c -> c.getValue())
                .contains(BSER + "/StructureDefinition/ReferralTask");
        assertThat(task.getIdentifier()).filteredOn(i -> i.getType().getCoding().stream()
                        .anyMatch(c -> "http://terminology.hl7.org/CodeSystem/v2-0203".equals(c.getSystem())
                                && "PLAC".equals(c.getCode())))
                .as("the initiator's identifier (PLAC), once").singleElement()
                .satisfies(i -> assertThat(i.getValue()).isNotBlank());
        assertThat(task.getIntent()).isEqualTo(Task.TaskIntent.ORDER);
        assertThat(task.getCode().getCoding()).extracting(Coding::getSystem, Coding::getCode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("http://hl7.org/fhir/CodeSystem/task-code",
                        "fulfill"));
        assertThat(task.getFocus().getReference()).startsWith("ServiceRequest/");
        assertThat(task.getFor().getReference()).startsWith("Patient/");
        assertThat(task.hasAuthoredOn()).isTrue();
        assertThat(task.getRequester().getReference()).matches("(Organization|PractitionerRole|Practitioner)/.+");
        assertThat(task.hasOwner()).isTrue();
        assertThat(task.getBusinessStatus().getCoding()).as("at most one BSeR code")
                .filteredOn(c -> BSER_STATUS.equals(c.getSystem())).hasSizeLessThanOrEqualTo(1);
        if (task.hasStatusReason()) {
            assertThat(task.getStatusReason().getText()).isNotBlank();
        }
        task.getOutput().forEach(o -> assertThat(o.hasValue()).isTrue());
    }

    /** BSeR ReferralServiceRequest (input/fsh/profiles/ReferralServiceRequest.fsh). */
    private static void bserOrder(ServiceRequest order) {
        assertThat(order.getMeta().getProfile()).extracting(c -> c.getValue())
                .contains(BSER + "/StructureDefinition/ReferralServiceRequest");
        assertThat(order.getIdentifier()).hasSizeLessThanOrEqualTo(2)
                .filteredOn(i -> i.getType().getCoding().stream().anyMatch(c -> "PLAC".equals(c.getCode())))
                .singleElement().satisfies(i -> assertThat(i.getValue()).isNotBlank());
        assertThat(order.getIntent()).isEqualTo(ServiceRequest.ServiceRequestIntent.ORDER);
        assertThat(order.hasStatus()).isTrue();
        assertThat(order.getCode().isEmpty()).isFalse();
        assertThat(order.getSubject().getReference()).startsWith("Patient/");
        assertThat(order.hasOccurrenceDateTimeType()).as("occurrence[x] 1..1, a dateTime").isTrue();
        assertThat(order.getRequester().getReference()).matches("(Organization|PractitionerRole|Practitioner)/.+");
        assertThat(order.getPerformer()).hasSize(1);
    }

    /** The BSeR business status codes of a Task. */
    private static List<String> bser(Task task) {
        return task.getBusinessStatus().getCoding().stream().filter(c -> BSER_STATUS.equals(c.getSystem()))
                .map(Coding::getCode).toList();
    }
}
