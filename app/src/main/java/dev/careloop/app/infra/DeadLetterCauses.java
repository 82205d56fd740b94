package dev.careloop.app.infra;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.deadletter.DeadLetter;
import org.axonframework.messaging.deadletter.Decisions;
import org.axonframework.messaging.deadletter.EnqueueDecision;
import org.axonframework.messaging.deadletter.EnqueuePolicy;
import org.axonframework.messaging.deadletter.ThrowableCause;

/**
 * Every failed event is dead-lettered (and requeued when its retry fails) with a cause PostgreSQL can store: no
 * control characters (a NUL cannot be stored in text at all) and no longer than dead_letter_entry.cause_message
 * (1023; Axon's own default truncates to 1024). A cause that cannot be stored would fail the enqueue and with it
 * the whole batch, for ever.
 */
public final class DeadLetterCauses implements EnqueuePolicy<EventMessage<?>> {

    /** What dead_letter_entry.cause_message keeps. */
    static final int STORED_LENGTH = 1000;

    @Override
    public EnqueueDecision<EventMessage<?>> decide(DeadLetter<? extends EventMessage<?>> letter, Throwable cause) {
        return Decisions.enqueue(new ThrowableCause(cause.getClass().getName(), clean(cause.getMessage(),
                STORED_LENGTH)));
    }

    /** The text with each control character but newline and tab (NUL included) as a space, cut to {@code max}. */
    public static String clean(String text, int max) {
        if (text == null) {
            return null;
        }
        StringBuilder clean = new StringBuilder(Math.min(text.length(), max));
        for (int i = 0; i < text.length() && clean.length() < max; i++) {
            char c = text.charAt(i);
            boolean control = Character.isISOControl(c) && c != '\n' && c != '\t';
            clean.append(control || Character.isSurrogate(c) && !validSurrogate(text, i) ? ' ' : c);
        }
        if (clean.length() > 0 && Character.isHighSurrogate(clean.charAt(clean.length() - 1))) {
            clean.setLength(clean.length() - 1);
        }
        return clean.toString();
    }

    private static boolean validSurrogate(String text, int i) {
        char c = text.charAt(i);
        return Character.isHighSurrogate(c) ? i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
    }
}
