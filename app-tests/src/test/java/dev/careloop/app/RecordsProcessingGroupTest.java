package dev.careloop.app;

import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared-record projections run like the referral ones: a tracking processor with a dead-letter queue,
 * which is what DeadLetterRetry looks for in every processing group, so a failed record event is retried.
 */
@CareLoopIntegrationTest
class RecordsProcessingGroupTest {

    @Autowired
    EventProcessingConfiguration processing;

    @Test
    void recordProjectionsRunInATrackingProcessorWhoseDeadLettersAreRetried() {
        assertThat(processing.eventProcessor("records", TrackingEventProcessor.class)).isPresent();
        assertThat(processing.deadLetterQueue("records")).isPresent();
        assertThat(processing.sequencedDeadLetterProcessor("records")).isPresent();
    }
}
