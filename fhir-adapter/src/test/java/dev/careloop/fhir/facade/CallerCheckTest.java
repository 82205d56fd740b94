package dev.careloop.fhir.facade;

import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import dev.careloop.api.Actor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The facade's routes against the scopes a token holds, one row each, written out by hand: what the route is,
 * the token's scopes (space-separated; "staff" for a clinician's token), and whether it may go on.
 */
class CallerCheckTest {

    @ParameterizedTest(name = "{0} /fhir/{1} {2} with [{3}]: {4}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            GET    | Task           | -        | system/Task.read                                 | allowed
            GET    | Task           | -        | system/Task.write                                | forbidden
            GET    | Task           | -        | system/Appointment.read                          | forbidden
            GET    | Task           | _history | system/Task.rs                                    | allowed
            GET    | Consent        | -        | system/Task.read system/ServiceRequest.read      | forbidden
            GET    | Consent        | -        | system/*.read                                    | allowed
            GET    | AuditEvent     | -        | staff                                            | allowed
            POST   | Task           | _search  | system/Task.read                                 | allowed
            POST   | -              | -        | system/Task.read system/ServiceRequest.read      | forbidden
            POST   | -              | -        | system/Task.write                                | forbidden
            POST   | -              | -        | system/ServiceRequest.write                      | forbidden
            POST   | -              | -        | system/Task.write system/ServiceRequest.write    | allowed
            POST   | -              | -        | system/*.write                                   | allowed
            POST   | -              | -        | staff                                            | forbidden
            POST   | Task           | -        | system/Task.write                                | forbidden
            POST   | Task           | -        | system/Task.cu system/ServiceRequest.cu          | allowed
            PUT    | Task           | -        | system/Task.read                                 | forbidden
            PUT    | Task           | -        | system/Task.write                                | allowed
            PUT    | Task           | -        | staff                                            | forbidden
            DELETE | Task           | -        | system/Task.read                                 | forbidden
            PATCH  | ServiceRequest | -        | system/ServiceRequest.read                       | forbidden
            """)
    void routeAndScopes(String method, String type, String operation, String scopes, String expected) {
        FhirCaller caller = scopes.equals("staff")
                ? new FhirCaller(new Actor("nurse", "riverside-derm", Set.of(Actor.CLINICIAN), null, null), Set.of())
                : new FhirCaller(new Actor("riverside-ehr", "riverside-derm", Set.of(), "riverside-ehr", null),
                Set.copyOf(Arrays.asList(scopes.split(" "))));

        Runnable check = () -> CallerCheck.requiredScopes(RequestTypeEnum.valueOf(method), type, operation)
                .forEach(scope -> CallerCheck.require(caller, scope.resourceType(), scope.access()));

        if (expected.equals("allowed")) {
            check.run();
        } else {
            assertThatThrownBy(check::run).isInstanceOf(ForbiddenOperationException.class)
                    .hasMessageContaining("system/");
        }
    }

    @ParameterizedTest(name = "a Bundle entry {0} is a {1}")
    @CsvSource({"GET, READ", "HEAD, READ", "POST, WRITE", "PUT, WRITE", "PATCH, WRITE", "DELETE, WRITE", ", WRITE"})
    void bundleEntryMethods(String method, FhirCaller.Access access) {
        assertThat(CallerCheck.access(method)).isEqualTo(access);
    }
}
