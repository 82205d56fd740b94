package dev.careloop.app.infra;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.deadletter.Cause;
import org.axonframework.messaging.deadletter.EnqueueDecision;
import org.axonframework.messaging.deadletter.GenericDeadLetter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterCausesTest {

    @Test
    void aCauseWithANulAndTooLongForTheTableIsStoredCleanAndCut() {
        EventMessage<?> event = GenericEventMessage.asEventMessage("payload");
        Exception failure = new IllegalStateException("unsupported Unicode escape sequence a\u0000b\u0007"
                + "x".repeat(5_000));

        EnqueueDecision<EventMessage<?>> decision = new DeadLetterCauses()
                .decide(new GenericDeadLetter<>("seq", event, failure), failure);

        assertThat(decision.shouldEnqueue()).isTrue();
        Cause cause = (Cause) decision.enqueueCause().orElseThrow();
        assertThat(cause.type()).isEqualTo(IllegalStateException.class.getName());
        assertThat(cause.message()).startsWith("unsupported Unicode escape sequence a b ")
                .doesNotContain("\u0000").hasSize(DeadLetterCauses.STORED_LENGTH);
    }

    @Test
    void newlinesAndTabsStayAndAHalfSurrogateAtTheCutGoes() {
        assertThat(DeadLetterCauses.clean("line one\n\tline two", 100)).isEqualTo("line one\n\tline two");
        assertThat(DeadLetterCauses.clean("ab\uD83D\uDE00", 3)).isEqualTo("ab");
    }
}
