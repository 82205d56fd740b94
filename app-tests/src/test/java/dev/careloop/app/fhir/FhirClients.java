package dev.careloop.app.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import ca.uhn.fhir.validation.SingleValidationMessage;
import dev.careloop.app.DemoClinics;
import dev.careloop.fhir.inbound.R4Validator;
import dev.careloop.fhir.mapping.R4ChangeProjector;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.fail;

/** What the FHIR facade's tests share: a partner's HAPI client, R4 validation, waiting, counting events. */
public final class FhirClients {

    public static final String GP = DemoClinics.GP;
    public static final String DERM = DemoClinics.DERM;
    public static final String CARDIO = DemoClinics.CARDIO;
    public static final String MRN_SYSTEM = DemoClinics.GP_MRN_SYSTEM;

    private FhirClients() {
    }

    /** HAPI's generic client on /fhir with the bearer token of demo client {@code clientId}. */
    public static IGenericClient hapi(int port, String clientId) {
        FhirContext context = R4ChangeProjector.fhirContext();
        context.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        // Not HAPI's 10 s: a write answers once its read models have it, which on a loaded 2-core machine can take
        // longer; a test that waits for an answer should fail on what it gets, not on the client giving up.
        context.getRestfulClientFactory().setSocketTimeout(120_000);
        IGenericClient client = context.newRestfulGenericClient("http://localhost:" + port + "/fhir");
        client.registerInterceptor(new BearerTokenAuthInterceptor(DemoClinics.at(port).client(clientId).token()));
        return client;
    }

    public static String json(IBaseResource resource) {
        return R4ChangeProjector.fhirContext().newJsonParser().encodeResourceToString(resource);
    }

    /** Fails with every error when {@code resource} is not valid base R4 (the validator inbound writes use). */
    public static void assertValid(R4Validator validator, IBaseResource resource) {
        String json = json(resource);
        List<SingleValidationMessage> errors = validator.errors(json);
        if (!errors.isEmpty()) {
            fail(resource.fhirType() + "/" + resource.getIdElement().getIdPart() + " is not valid R4:\n"
                    + errors.stream().map(m -> "  " + m.getLocationString() + ": " + m.getMessage())
                    .collect(Collectors.joining("\n")) + "\n" + json);
        }
    }

    public static String mrn() {
        return DemoClinics.mrn("FHIR");
    }

    public static long events(JdbcTemplate jdbc) {
        Long count = jdbc.queryForObject("SELECT count(*) FROM domain_event_entry", Long.class);
        return count == null ? 0 : count;
    }

    public static long eventsOf(JdbcTemplate jdbc, String aggregateId) {
        Long count = jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ?",
                Long.class, aggregateId);
        return count == null ? 0 : count;
    }

    /** Events that name a patient identifier value anywhere in their payload. */
    public static long eventsAbout(JdbcTemplate jdbc, String mrn) {
        Long count = jdbc.queryForObject("SELECT count(*) FROM domain_event_entry "
                + "WHERE convert_from(payload, 'UTF8') LIKE ?", Long.class, "%" + mrn + "%");
        return count == null ? 0 : count;
    }

    /** Polls every 50 ms until {@code condition} holds or {@code within} has passed. */
    public static void await(Duration within, BooleanSupplier condition, String what) {
        Instant deadline = Instant.now().plus(within);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                fail("not within " + within + ": " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted while waiting: " + what);
            }
        }
    }
}
