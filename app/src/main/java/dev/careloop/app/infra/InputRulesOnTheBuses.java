package dev.careloop.app.infra;

import dev.careloop.api.InputRules;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.MessageDispatchInterceptor;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;
import java.util.function.BiFunction;

/**
 * {@link InputRules} on every command the command bus dispatches (REST, FHIR inbound, sagas, the web app alike) and,
 * as a second line, on every event appended to the log: what a read model or a partner cannot carry never reaches
 * a handler or the log, and the command or transaction that tried fails with {@link InputRules.InvalidInput}.
 */
@Configuration(proxyBeanMethods = false)
class InputRulesOnTheBuses {

    @Bean
    InitializingBean inputRulesOnCommands(CommandBus commandBus) {
        return () -> commandBus.registerDispatchInterceptor(new Checking<CommandMessage<?>>());
    }

    @Bean
    InitializingBean inputRulesOnEvents(EventBus eventBus) {
        return () -> eventBus.registerDispatchInterceptor(new Checking<EventMessage<?>>());
    }

    /** Checks each message's payload as it is dispatched; a batch of events fails whole. */
    private static final class Checking<M extends org.axonframework.messaging.Message<?>>
            implements MessageDispatchInterceptor<M> {

        @Override
        public BiFunction<Integer, M, M> handle(List<? extends M> messages) {
            return (index, message) -> {
                InputRules.require(message.getPayload());
                return message;
            };
        }
    }
}
