package dev.careloop.command.messaging;

import dev.careloop.api.Actor;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.annotation.ParameterResolver;
import org.axonframework.messaging.annotation.ParameterResolverFactory;

import java.lang.reflect.Executable;
import java.lang.reflect.Parameter;

/**
 * Lets a handler declare an {@link Actor} parameter; resolved from the message's metadata. A command
 * without an actor does not match, so it fails loudly rather than running as nobody.
 * Registered through META-INF/services so that Spring and the test fixtures both find it.
 */
public class ActorParameterResolverFactory implements ParameterResolverFactory {

    @Override
    public ParameterResolver<Actor> createInstance(Executable executable, Parameter[] parameters, int index) {
        if (!Actor.class.equals(parameters[index].getType())) {
            return null;
        }
        return new ParameterResolver<>() {
            @Override
            public Actor resolveParameterValue(Message<?> message) {
                return ActorMetaData.from(message.getMetaData());
            }

            @Override
            public boolean matches(Message<?> message) {
                return ActorMetaData.from(message.getMetaData()) != null;
            }
        };
    }
}
