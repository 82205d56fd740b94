package dev.careloop.query.audit;

import dev.careloop.api.Actor;
import dev.careloop.api.PurposeOfUse;
import dev.careloop.api.audit.AuditTrailRead;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.SimpleEventBus;
import org.axonframework.eventhandling.gateway.DefaultEventGateway;
import org.springframework.core.MethodParameter;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The audit controllers over MVC without a Spring context: the caller comes from X-Org and X-Roles headers in place
 * of the JWT, and what the audit trail publishes is kept for the test to look at. Public: the as-of tests use it.
 */
public final class OfficerMvc {

    public final ComplianceScope scope = new ComplianceScope("careloop");
    public final List<EventMessage<?>> published = new ArrayList<>();
    public final AuditTrail trail;

    public OfficerMvc() {
        SimpleEventBus bus = SimpleEventBus.builder().build();
        bus.subscribe(published::addAll);
        trail = new AuditTrail(DefaultEventGateway.builder().eventBus(bus).build());
    }

    public MockMvc mvc(Object... controllers) {
        return MockMvcBuilders.standaloneSetup(controllers)
                .setCustomArgumentResolvers(new ActorFromHeaders())
                .setControllerAdvice(new Problems())
                .build();
    }

    /** The reads of the trail published so far. */
    public List<AuditTrailRead> reads() {
        return published.stream().map(EventMessage::getPayload).filter(AuditTrailRead.class::isInstance)
                .map(AuditTrailRead.class::cast).toList();
    }

    @RestControllerAdvice
    static class Problems extends ResponseEntityExceptionHandler {
    }

    static class ActorFromHeaders implements HandlerMethodArgumentResolver {
        @Override
        public boolean supportsParameter(MethodParameter parameter) {
            return Actor.class.equals(parameter.getParameterType());
        }

        @Override
        public Actor resolveArgument(MethodParameter parameter, ModelAndViewContainer mav, NativeWebRequest request,
                                     WebDataBinderFactory binderFactory) {
            String org = request.getHeader("X-Org");
            String roles = request.getHeader("X-Roles");
            Set<String> roleSet = roles == null ? Set.of(Actor.COMPLIANCE) : Set.copyOf(Arrays.asList(roles.split(",")));
            // As the application's JWT resolver does: a compliance officer acts for compliance oversight.
            return new Actor("officer-of-" + org, org, roleSet, org + "-audit-console",
                    roleSet.contains(Actor.COMPLIANCE) ? PurposeOfUse.COMPLIANCE : null);
        }
    }
}
