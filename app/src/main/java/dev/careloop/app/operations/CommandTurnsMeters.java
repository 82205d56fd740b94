package dev.careloop.app.operations;

import dev.careloop.command.web.CommandAdmission;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Configuration;

/**
 * The commands' turns on this node (CommandAdmission, OPERATIONS.md "Commands taking turns"), where the command side
 * runs: {@code careloop.commands.running} and {@code careloop.commands.waiting} now, and
 * {@code careloop.commands.refused}, the commands answered 503 because their turn did not come in time.
 */
@Configuration(proxyBeanMethods = false)
class CommandTurnsMeters {

    CommandTurnsMeters(ObjectProvider<CommandAdmission> admission, MeterRegistry meters) {
        admission.ifAvailable(turns -> {
            Gauge.builder("careloop.commands.running", turns, CommandAdmission::running)
                    .description("REST commands running on this node").register(meters);
            Gauge.builder("careloop.commands.waiting", turns, CommandAdmission::waiting)
                    .description("REST commands waiting for their turn").register(meters);
            FunctionCounter.builder("careloop.commands.refused", turns, CommandAdmission::refused)
                    .description("REST commands answered 503: their turn did not come within the admission wait")
                    .register(meters);
        });
    }
}
