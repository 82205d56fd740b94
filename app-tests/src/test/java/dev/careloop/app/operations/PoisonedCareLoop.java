package dev.careloop.app.operations;

import dev.careloop.app.CareLoopApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The one context of the poison-event tests (PoisonEventTest, SagaPoisonEventTest): a test-only handler in each
 * projecting group that fails for the referrals a test poisons, the scheduled retry of dead letters off (an
 * administrator's calls empty the queue), writes waiting 1 s for their read model, a processor stalled after 5 s, and
 * the saga giving up after two attempts. Each test leaves no dead letter behind, so the classes share it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(classes = {CareLoopApplication.class, PoisonEventTest.PoisonHandlers.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"careloop.dead-letter-retry-interval=PT1H", "careloop.read-your-writes-timeout=PT1S",
                "careloop.health.processor-stall=PT5S", "careloop.saga.attempts=2"})
@ActiveProfiles({"local", "test"})
@interface PoisonedCareLoop {
}
