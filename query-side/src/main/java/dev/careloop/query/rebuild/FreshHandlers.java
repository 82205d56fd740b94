package dev.careloop.query.rebuild;

import dev.careloop.query.replay.Stores;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.AbstractEventProcessor;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.EventHandlerInvoker;
import org.axonframework.eventhandling.EventMessageHandler;
import org.axonframework.eventhandling.MultiEventHandlerInvoker;
import org.axonframework.eventhandling.SimpleEventHandlerInvoker;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.springframework.beans.factory.config.AutowireCapableBeanFactory;
import org.springframework.beans.factory.config.DependencyDescriptor;
import org.springframework.core.MethodParameter;
import org.springframework.util.ClassUtils;

import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Fresh instances of the classes whose handlers the live processor of a group invokes: the same projection code,
 * with the same (Spring-injected) collaborators, but no state shared with the live instances.
 */
final class FreshHandlers {

    private final EventProcessingConfiguration processing;
    private final AutowireCapableBeanFactory beans;

    FreshHandlers(EventProcessingConfiguration processing, AutowireCapableBeanFactory beans) {
        this.processing = processing;
        this.beans = beans;
    }

    /** The streaming processor that runs the group in this process, if any. */
    Optional<StreamingEventProcessor> liveProcessor(String group) {
        return processing.eventProcessorByProcessingGroup(group, StreamingEventProcessor.class);
    }

    /** The group's handlers as Spring makes them, writing where the live ones do. */
    List<Object> of(String group) {
        return types(group).stream().map(type -> beans.createBean(type)).map(Object.class::cast).toList();
    }

    /** The group's handlers writing to {@code stores} instead of the live ones (a bulk rebuild). */
    List<Object> onStores(String group, Stores stores) {
        return types(group).stream().map(type -> onStores(type, stores)).toList();
    }

    private List<Class<?>> types(String group) {
        StreamingEventProcessor live = liveProcessor(group)
                .orElseThrow(() -> new IllegalStateException("no processor for " + group));
        List<Class<?>> types = new ArrayList<>();
        collect(((AbstractEventProcessor) live).eventHandlerInvoker(), types);
        if (types.isEmpty()) {
            throw new IllegalStateException("processing group " + group + " has no annotated event handlers");
        }
        return types;
    }

    /** The handler built by its constructor, with {@code stores} for its Stores and beans, as autowired, for the rest. */
    private Object onStores(Class<?> type, Stores stores) {
        Constructor<?>[] constructors = type.getDeclaredConstructors();
        if (constructors.length != 1) {
            throw new IllegalStateException(type + " must have one constructor to be rebuilt in bulk");
        }
        Constructor<?> constructor = constructors[0];
        Object[] args = new Object[constructor.getParameterCount()];
        boolean takesStores = false;
        for (int i = 0; i < args.length; i++) {
            if (constructor.getParameterTypes()[i] == Stores.class) {
                args[i] = stores;
                takesStores = true;
            } else {
                args[i] = beans.resolveDependency(
                        new DependencyDescriptor(new MethodParameter(constructor, i), true), null);
            }
        }
        if (!takesStores) {
            throw new IllegalStateException(type + " is in a bulk-rebuilt group but does not write through Stores");
        }
        try {
            constructor.setAccessible(true);
            return constructor.newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + type, e);
        }
    }

    private static void collect(EventHandlerInvoker invoker, List<Class<?>> types) {
        if (invoker instanceof MultiEventHandlerInvoker multi) {
            multi.delegates().forEach(d -> collect(d, types));
        } else if (invoker instanceof SimpleEventHandlerInvoker simple) {
            for (EventMessageHandler handler : simple.eventHandlers()) {
                if (handler instanceof AnnotationEventHandlerAdapter annotated) {
                    types.add(ClassUtils.getUserClass(annotated.getTargetType()));
                } else {
                    throw new IllegalStateException("cannot make a fresh copy of handler " + handler);
                }
            }
        }
    }
}
