package dev.careloop.fhir.facade;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import dev.careloop.fhir.facade.FhirCaller.Access;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;

import java.util.List;

/**
 * Every interaction but the CapabilityStatement needs a caller, and the caller the scopes the route needs
 * ({@link #requiredScopes}), before anything reads the body: a caller without them learns nothing about how its
 * content would have fared. A transaction's entries are checked one by one as the body is first outlined
 * ({@code InboundLimits}), still before it is parsed or validated.
 */
@Interceptor
public class CallerCheck {

    static final String CALLER = CallerCheck.class.getName() + ".caller";

    private final FhirCallers callers;

    public CallerCheck(FhirCallers callers) {
        this.callers = callers;
    }

    /**
     * Before HAPI picks a handler, parses a parameter or reads the body: a caller without the right scope learns
     * nothing about how its request would have fared (not even that a search parameter is unknown).
     */
    @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLER_SELECTED, order = 0)
    public void check(ServletRequestDetails request) {
        if (isCapabilityStatement(request)) {
            return;
        }
        FhirCaller caller = callers.current(request.getServletRequest())
                .orElseThrow(() -> new AuthenticationException("a valid bearer token is required")
                        .addAuthenticateHeaderForRealm("careloop"));
        request.getUserData().put(CALLER, caller);
        for (Scope scope : requiredScopes(request.getRequestType(), request.getResourceName(),
                request.getOperation())) {
            require(caller, scope.resourceType(), scope.access());
        }
    }

    private static boolean isCapabilityStatement(RequestDetails request) {
        return request.getRequestType() == RequestTypeEnum.GET
                && ("metadata".equals(request.getOperation()) || "metadata".equals(request.getResourceName()));
    }

    /** A right the caller must hold: {@code access} to resources of {@code resourceType}. */
    public record Scope(String resourceType, Access access) {
    }

    /**
     * The rights a route needs, known from its method and URL alone: GET (and POST {@code _search}) reads, the
     * rest writes. The facade takes one kind of transaction, a new referral (a ServiceRequest and a Task), and so
     * does {@code POST /fhir/Task} (the ServiceRequest contained): both need both write scopes.
     */
    static List<Scope> requiredScopes(RequestTypeEnum method, String resourceType, String operation) {
        boolean reads = method == RequestTypeEnum.GET || method == RequestTypeEnum.HEAD
                || (method == RequestTypeEnum.POST && "_search".equals(operation));
        boolean post = method == RequestTypeEnum.POST && (operation == null || operation.isEmpty());
        if (post && (resourceType == null || "Task".equals(resourceType))) {
            return List.of(new Scope("ServiceRequest", Access.WRITE), new Scope("Task", Access.WRITE));
        }
        if (resourceType == null) {
            // A system-level interaction other than a transaction: none is served, and none names a type.
            return reads ? List.of() : List.of(new Scope("*", Access.WRITE));
        }
        return List.of(new Scope(resourceType, reads ? Access.READ : Access.WRITE));
    }

    /** Tells clients the facade is protected SMART-style (client credentials, system scopes). */
    @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
    public void describeSecurity(IBaseConformance generated) {
        if (!(generated instanceof CapabilityStatement statement)) {
            return;
        }
        statement.setPublisher("CareLoop");
        statement.getRest().forEach(rest -> rest.getSecurity()
                .setCors(false)
                .addService(new CodeableConcept(new Coding(
                        "http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR",
                        "SMART-on-FHIR")))
                .setDescription("OAuth2 bearer tokens. Partner systems use client credentials with SMART system "
                        + "scopes per resource type (system/Task.read, system/Task.write, ...); clinic staff "
                        + "read clinical resources and compliance officers read Provenance and AuditEvent. Every "
                        + "caller sees only what its organisation takes part in, for a stated purpose of use."));
    }

    /** What a Bundle entry's request method does: GET and HEAD read, anything else (or nothing) writes. */
    public static Access access(String httpMethod) {
        return "GET".equalsIgnoreCase(httpMethod) || "HEAD".equalsIgnoreCase(httpMethod) ? Access.READ
                : Access.WRITE;
    }

    /** The caller of a request that passed {@link #check}. */
    public static FhirCaller caller(RequestDetails request) {
        Object caller = request.getUserData().get(CALLER);
        if (!(caller instanceof FhirCaller c)) {
            throw new AuthenticationException("a valid bearer token is required");
        }
        return c;
    }

    /** 403 unless {@code caller} holds a scope for {@code access} to {@code resourceType}. */
    public static void require(FhirCaller caller, String resourceType, Access access) {
        if (!caller.may(resourceType, access)) {
            String right = access.name().toLowerCase();
            throw new ForbiddenOperationException("this token may not " + right + " " + resourceType
                    + " resources (that needs the scope system/" + resourceType + "." + right + ")");
        }
    }
}
