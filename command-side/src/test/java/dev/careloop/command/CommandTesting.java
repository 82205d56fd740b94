package dev.careloop.command;

import dev.careloop.api.Actor;
import dev.careloop.api.MetadataKeys;
import dev.careloop.command.messaging.ActorMetaData;
import dev.careloop.command.rules.Refusal;
import dev.careloop.command.rules.Rules;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.messaging.MetaData;
import org.hamcrest.Description;
import org.hamcrest.Matcher;
import org.hamcrest.TypeSafeMatcher;

/** What every family's fixture tests need: commands sent as someone, and matchers for refusals. */
public final class CommandTesting {

    private CommandTesting() {
    }

    /** The metadata a command carries when {@code actor} sends it. */
    public static MetaData by(Actor actor) {
        return ActorMetaData.of(actor);
    }

    /** ... with the version the caller last saw (HTTP If-Match). */
    public static MetaData by(Actor actor, long expectedVersion) {
        return ActorMetaData.of(actor).and(MetadataKeys.EXPECTED_VERSION, expectedVersion);
    }

    /** A command as {@code givenCommands} needs it, carrying its actor. */
    public static CommandMessage<?> command(Object payload, Actor actor) {
        return GenericCommandMessage.asCommandMessage(payload).andMetaData(ActorMetaData.of(actor));
    }

    /** A {@link Refusal} of this kind whose reason matches. */
    public static Matcher<Throwable> refusal(Refusal.Kind kind, Matcher<? super String> reason) {
        return new TypeSafeMatcher<>(Throwable.class) {
            @Override
            protected boolean matchesSafely(Throwable thrown) {
                return thrown instanceof Refusal r && r.kind() == kind && reason.matches(r.getMessage());
            }

            @Override
            public void describeTo(Description description) {
                description.appendText("a " + kind + " refusal with reason ").appendDescriptionOf(reason);
            }

            @Override
            protected void describeMismatchSafely(Throwable thrown, Description mismatch) {
                if (thrown instanceof Refusal r) {
                    mismatch.appendText("was a " + r.kind() + " refusal: \"" + r.getMessage() + "\"");
                } else {
                    mismatch.appendText("was " + thrown);
                }
            }
        };
    }

    /** A request refused as invalid (HTTP 400) naming {@code field}. */
    public static Matcher<Throwable> invalidField(String field, Matcher<? super String> reason) {
        return new TypeSafeMatcher<>(Throwable.class) {
            @Override
            protected boolean matchesSafely(Throwable thrown) {
                return thrown instanceof Rules.InvalidField invalid && invalid.kind() == Refusal.Kind.INVALID
                        && field.equals(invalid.field()) && reason.matches(invalid.getMessage());
            }

            @Override
            public void describeTo(Description description) {
                description.appendText("an INVALID refusal of field '" + field + "' with reason ")
                        .appendDescriptionOf(reason);
            }

            @Override
            protected void describeMismatchSafely(Throwable thrown, Description mismatch) {
                if (thrown instanceof Rules.InvalidField invalid) {
                    mismatch.appendText("was about field '" + invalid.field() + "': \"" + invalid.getMessage() + "\"");
                } else {
                    mismatch.appendText("was " + thrown);
                }
            }
        };
    }
}
