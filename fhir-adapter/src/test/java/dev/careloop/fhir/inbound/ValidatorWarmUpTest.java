package dev.careloop.fhir.inbound;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A partner's first write after a start is as fast as its second: once the application is ready the validator is
 * built and used on each kind of write in the background, so the first real write finds it warm. Unwarmed, the
 * first validation of a Task takes tens of seconds on two cores; warmed, about as long as the next one.
 */
class ValidatorWarmUpTest {

    /** A step as a partner sends it: the Task read from /fhir, accepted. */
    private static final String ACCEPTED_TASK = """
            {"resourceType": "Task", "id": "r-1", "meta": {"versionId": "1"}, "status": "accepted",
             "intent": "order", "priority": "routine",
             "identifier": [{"system": "https://northside-gp.example/referral", "value": "NG-1"}],
             "businessStatus": {"coding": [{"system": "https://careloop.dev/fhir/CodeSystem/referral-status",
               "code": "3.0", "display": "Accepted"}]},
             "focus": {"reference": "ServiceRequest/r-1"},
             "for": {"reference": "Patient/p-1", "identifier": {"system": "https://northside-gp.example/mrn",
               "value": "NG-1001"}, "display": "Alex Morgan"},
             "authoredOn": "2026-12-01T10:00:00Z", "lastModified": "2026-12-01T10:05:00Z",
             "requester": {"reference": "Organization/northside-gp"},
             "owner": {"reference": "Organization/riverside-derm"}}""";

    /** Allowed above the second validation's time: scheduling noise on a shared machine, not a cold validator. */
    private static final Duration TOLERANCE = Duration.ofSeconds(2);

    @Test
    void theFirstWriteAfterTheValidatorWarmedIsAsFastAsTheSecond() throws InterruptedException {
        R4Validator validator = new R4Validator();
        validator.warm();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (!validator.ready() && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertThat(validator.ready()).as("the validator warmed within 5 minutes").isTrue();

        Duration first = timed(validator);
        Duration second = timed(validator);

        assertThat(first).as("first %s ms, second %s ms", first.toMillis(), second.toMillis())
                .isLessThanOrEqualTo(second.plus(TOLERANCE));
    }

    private static Duration timed(R4Validator validator) {
        long begun = System.nanoTime();
        assertThat(validator.errors(ACCEPTED_TASK)).isEmpty();
        return Duration.ofNanos(System.nanoTime() - begun);
    }
}
