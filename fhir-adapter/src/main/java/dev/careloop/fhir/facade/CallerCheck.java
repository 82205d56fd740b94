package dev.careloop.fhir.facade;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import dev.careloop.fhir.facade.FhirCaller.Access;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;

/**
 * Every interaction but the CapabilityStatement needs a caller, and the caller a scope for the resource type and
 * interaction (a transaction's entries are checked where the Bundle is read, {@link #require}).
 */
@Interceptor
public class CallerCheck {

    static final String CALLER = CallerCheck.class.getName() + ".caller";

    private final FhirCallers callers;

    public CallerCheck(FhirCallers callers) {
        this.callers = callers;
    }

    /** Before the body is parsed: a caller without the right scope learns nothing about its content. */
    @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED, order = 0)
    public void check(ServletRequestDetails request) {
        RestOperationTypeEnum operation = request.getRestOperationType();
        if (operation == RestOperationTypeEnum.METADATA) {
            return;
        }
        FhirCaller caller = callers.current(request.getServletRequest())
                .orElseThrow(() -> new AuthenticationException("a valid bearer token is required")
                        .addAuthenticateHeaderForRealm("careloop"));
        request.getUserData().put(CALLER, caller);
        String type = request.getResourceName();
        if (type != null) {
            require(caller, type, access(operation));
        }
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
                        + "scopes per resource type (system/Task.read, system/Task.write, ...); clinic staff may "
                        + "read. Every caller sees only what its organisation takes part in."));
    }

    static Access access(RestOperationTypeEnum operation) {
        return switch (operation) {
            case CREATE, UPDATE, PATCH, DELETE, TRANSACTION, BATCH, META_ADD, META_DELETE -> Access.WRITE;
            default -> Access.READ;
        };
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
