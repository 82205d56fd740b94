package dev.careloop.app.infra;

import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.common.ReflectionUtils;
import org.axonframework.common.annotation.AnnotationUtils;
import org.axonframework.modelling.command.CommandTargetResolver;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;
import org.axonframework.modelling.command.VersionedAggregateIdentifier;

import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Which aggregate a command targets: the member marked {@link TargetAggregateIdentifier} (and
 * {@link TargetAggregateVersion}), found as Axon's {@code AnnotationCommandTargetResolver} finds it (the methods
 * first, then the fields, meta-annotations included) but once per command class rather than for every command: Axon's
 * walks the class's methods and their annotations each time, copying every {@code Method} (issue 19: about 1 % of the
 * application's CPU per command, and its allocations). Same answers and the same refusals, in the same words.
 */
final class CachedCommandTargets implements CommandTargetResolver {

    /** Reads one annotated member of a payload, or nothing when the class has none. */
    private interface Member {
        Object read(Object payload) throws InvocationTargetException, IllegalAccessException;
    }

    private record Targets(Member identifier, Member version) {
    }

    private static final Member NONE = payload -> null;

    private final ClassValue<Targets> targets = new ClassValue<>() {
        @Override
        protected Targets computeValue(Class<?> type) {
            return new Targets(member(type, TargetAggregateIdentifier.class),
                    member(type, TargetAggregateVersion.class));
        }
    };

    @Override
    public VersionedAggregateIdentifier resolveTarget(CommandMessage<?> command) {
        Object identifier;
        Long version;
        Targets found = targets.get(command.getPayloadType());
        try {
            identifier = found.identifier().read(command.getPayload());
            version = asLong(found.version().read(command.getPayload()));
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException("An exception occurred while extracting aggregate information form a "
                    + "command", e);
        } catch (IllegalAccessException e) {
            throw new IllegalArgumentException("The current security context does not allow extraction of aggregate "
                    + "information from the given command.", e);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("The value provided for the version is not a number.", e);
        }
        if (identifier == null) {
            throw new IllegalArgumentException(String.format("Invalid command. It does not identify the target "
                    + "aggregate. Make sure at least one of the fields or methods in the [%s] class contains the "
                    + "@TargetAggregateIdentifier annotation and that it returns a non-null value.",
                    command.getPayloadType().getSimpleName()));
        }
        return new VersionedAggregateIdentifier(identifier, version);
    }

    private static Member member(Class<?> type, Class<? extends Annotation> annotation) {
        for (Method method : ReflectionUtils.methodsOf(type)) {
            if (AnnotationUtils.isAnnotationPresent(method, annotation)) {
                Method accessible = ReflectionUtils.ensureAccessible(method);
                return accessible::invoke;
            }
        }
        for (Field field : ReflectionUtils.fieldsOf(type)) {
            if (AnnotationUtils.isAnnotationPresent(field, annotation)) {
                return payload -> ReflectionUtils.getFieldValue(field, payload);
            }
        }
        return NONE;
    }

    private static Long asLong(Object value) {
        if (value == null) {
            return null;
        }
        return value instanceof Number number ? number.longValue() : Long.parseLong(value.toString());
    }
}
