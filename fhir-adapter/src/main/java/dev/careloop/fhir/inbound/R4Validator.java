package dev.careloop.fhir.inbound;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import dev.careloop.fhir.mapping.R4ChangeProjector;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * HAPI's instance validator against base R4, offline (no terminology server). Building it loads every core
 * StructureDefinition, and its first use on each resource type snapshots and compiles what that type needs (tens of
 * seconds in all on two cores). So it is built, and used once on each kind of inbound write, on a thread of its own
 * as soon as the application is ready (not during start-up, which it would slow): a partner's first write is then
 * as fast as its second. It is thread-safe, and built once per process.
 */
@Component
public class R4Validator {

    private static final Logger log = LoggerFactory.getLogger(R4Validator.class);

    /**
     * What partners write: a new referral (a transaction; a Task with its ServiceRequest contained), a step (a
     * Task as read, claiming BSeR's profiles, whose snapshots are generated on first use), and a Subscription (R4
     * Subscriptions Backport).
     */
    private static final List<String> WARM_UP = List.of("""
            {"resourceType": "Bundle", "type": "transaction", "entry": [
              {"fullUrl": "urn:uuid:5b3e0c8e-0000-4000-8000-000000000001",
               "resource": {"resourceType": "ServiceRequest", "status": "active", "intent": "order",
                 "identifier": [{"system": "https://example.org/referral", "value": "1"}],
                 "code": {"text": "warm-up"},
                 "subject": {"identifier": {"system": "https://example.org/mrn", "value": "1"}},
                 "reasonCode": [{"text": "warm-up"}]},
               "request": {"method": "POST", "url": "ServiceRequest"}},
              {"fullUrl": "urn:uuid:5b3e0c8e-0000-4000-8000-000000000002",
               "resource": {"resourceType": "Task", "status": "requested", "intent": "order",
                 "focus": {"reference": "urn:uuid:5b3e0c8e-0000-4000-8000-000000000001"},
                 "owner": {"reference": "Organization/warm-up"}},
               "request": {"method": "POST", "url": "Task"}}]}""", """
            {"resourceType": "Task", "id": "warm-up", "status": "completed", "intent": "order",
             "meta": {"profile": ["http://hl7.org/fhir/us/bser/StructureDefinition/ReferralTask"]},
             "contained": [{"resourceType": "ServiceRequest", "id": "sr", "status": "active", "intent": "order",
               "meta": {"profile": ["http://hl7.org/fhir/us/bser/StructureDefinition/ReferralServiceRequest"]},
               "subject": {"identifier": {"system": "https://example.org/mrn", "value": "1"}}}],
             "focus": {"reference": "#sr"}, "owner": {"reference": "Organization/warm-up"},
             "statusReason": {"text": "warm-up"},
             "businessStatus": {"coding": [{"system": "https://example.org/status", "code": "5.2"}]},
             "output": [{"type": {"text": "Consult report"}, "valueString": "warm-up"},
               {"type": {"text": "Record"}, "valueReference": {"reference": "DocumentReference/warm-up"}}]}""", """
            {"resourceType": "Subscription", "meta": {"profile": [
               "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription"]},
             "status": "requested", "reason": "warm-up",
             "criteria": "https://careloop.dev/fhir/SubscriptionTopic/referral-changes",
             "_criteria": {"extension": [{"url":
               "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-filter-criteria",
               "valueString": "Task?"}]},
             "channel": {"type": "rest-hook", "endpoint": "https://example.org/hook",
               "payload": "application/fhir+json", "_payload": {"extension": [{"url":
                 "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-payload-content",
                 "valueCode": "id-only"}]}}}""");

    /*
     * One per process, not per application context: it holds nothing of a context's, and a process that starts
     * several contexts (the tests, nodes started side by side) builds it once.
     */
    private static final CompletableFuture<FhirValidator> VALIDATOR = new CompletableFuture<>();
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    /** Builds and warms the validator once the application is ready. */
    @EventListener(ApplicationReadyEvent.class)
    public void warm() {
        start();
    }

    /** The errors (ERROR and FATAL) in {@code body}, a resource as JSON or XML; empty when it is valid R4. */
    public List<SingleValidationMessage> errors(String body) {
        start();
        return VALIDATOR.join().validateWithResult(body).getMessages().stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
                .toList();
    }

    /** Whether the validator is built and warmed: a write now waits for nothing. */
    public boolean ready() {
        return VALIDATOR.isDone() && !VALIDATOR.isCompletedExceptionally();
    }

    /** Once, on its own thread; a write that comes first waits for it rather than building a second. */
    private static void start() {
        if (!STARTED.compareAndSet(false, true)) {
            return;
        }
        Thread thread = new Thread(() -> {
            try {
                long begun = System.nanoTime();
                FhirValidator built = newValidator();
                WARM_UP.forEach(built::validateWithResult);
                VALIDATOR.complete(built);
                log.info("FHIR validator built and warmed in {} ms", (System.nanoTime() - begun) / 1_000_000);
            } catch (Throwable e) {
                VALIDATOR.completeExceptionally(e);
            }
        }, "fhir-validator-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    private static FhirValidator newValidator() {
        FhirContext context = R4ChangeProjector.fhirContext();
        ValidationSupportChain chain = new ValidationSupportChain(
                new DefaultProfileValidationSupport(context),
                BackportProfiles.support(context),
                BserProfiles.support(context),
                new CommonCodeSystemsTerminologyService(context),
                new InMemoryTerminologyServerValidationSupport(context),
                new SnapshotGeneratingValidationSupport(context));
        return context.newValidator().registerValidatorModule(new FhirInstanceValidator(chain));
    }
}
