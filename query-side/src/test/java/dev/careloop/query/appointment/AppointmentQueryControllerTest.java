package dev.careloop.query.appointment;

import dev.careloop.api.Actor;
import dev.careloop.api.PatientIdentifierSystems;
import dev.careloop.api.TestPatients;
import dev.careloop.api.access.ReadAccess;
import dev.careloop.api.appointment.*;
import dev.careloop.query.ProjectionCommits;
import dev.careloop.query.ReadModelDatabase;
import dev.careloop.query.patient.PatientLookup;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.careloop.query.appointment.AppointmentTestData.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.*;

/**
 * The read API as an organisation sees it: only its own appointments, another organisation's is a 404. MVC
 * without a Spring context; the caller's organisation comes from an {@code X-Org} header in place of the JWT.
 */
class AppointmentQueryControllerTest {

    private static final PatientLookup PATIENTS = new PatientLookup(ReadModelDatabase.jdbc(), TestPatients.IDS,
            new PatientIdentifierSystems(Map.of()));
    private final AppointmentReadModel readModel = new AppointmentReadModel(ReadModelDatabase.jdbc(),
            ReadModelDatabase.JSON);
    private final ReadModelDatabase.Projections projections = new ReadModelDatabase.Projections(
            new AppointmentViewProjection(ReadModelDatabase.stores(), ReadModelDatabase.JSON),
            new AppointmentHistoryProjection(ReadModelDatabase.stores(), ReadModelDatabase.journal()));
    private final AppointmentTestData log = new AppointmentTestData();
    private final List<ReadAccess> accounted = new CopyOnWriteArrayList<>();
    /** The appointments group's one segment, as far as the token table says (changed by the tests). */
    private volatile long projected = 0;
    private final ProjectionCommits commits = new ProjectionCommits(() -> java.util.Map.of(
            new ProjectionCommits.Key(AppointmentViewProjection.GROUP, 0),
            GapAwareTrackingToken.newInstance(projected, Set.of())));
    private final MockMvc mvc = MockMvcBuilders
            .standaloneSetup(new AppointmentQueryController(readModel, PATIENTS, accounted::add, commits,
                    Duration.ofSeconds(5)))
            .setCustomArgumentResolvers(new ActorFromHeader())
            .setControllerAdvice(new Problems())
            .build();

    @BeforeEach
    void startEmpty() {
        emptyTables();
    }

    @Test
    void aParticipantGetsTheAppointmentWithItsVersionAsETag() throws Exception {
        projections.deliver(log.by(DERM, "dr-rivers", booked("a1", MONDAY_9)),
                log.by(DERM, "front-desk", new PatientArrived("a1", "ref-a1", AppointmentStatus.ARRIVED)));

        mvc.perform(get("/api/appointments/a1").header("X-Org", GP))
                .andExpect(status().isOk())
                .andExpect(header().string("ETag", "\"2\""))
                .andExpect(jsonPath("$.status").value("arrived"))
                .andExpect(jsonPath("$.slot.start").value("2026-12-07T09:00:00Z"))
                .andExpect(jsonPath("$.performer").value(DERM));
    }

    @Test
    void anotherOrganisationsAppointmentIsANotFoundProblem() throws Exception {
        projections.deliver(log.by(DERM, "dr-rivers", booked("a1", MONDAY_9)));

        mvc.perform(get("/api/appointments/a1").header("X-Org", STRANGER))
                .andExpect(status().isNotFound())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(404))
                .andExpect(jsonPath("$.detail").value("no such appointment"));
        mvc.perform(get("/api/appointments/a1/history").header("X-Org", STRANGER))
                .andExpect(status().isNotFound());
    }

    @Test
    void everyReadIsOneAccessEntryAndARefusalSaysWhyWhileTheCallerSeesANotFound() throws Exception {
        projections.deliver(log.by(DERM, "dr-rivers", booked("a1", MONDAY_9)));

        mvc.perform(get("/api/appointments/a1").header("X-Org", GP)).andExpect(status().isOk());
        mvc.perform(get("/api/appointments/a1/history").header("X-Org", STRANGER)).andExpect(status().isNotFound());
        mvc.perform(get("/api/appointments?status=booked").header("X-Org", DERM))
                .andExpect(status().isOk());

        assertThat(accounted).hasSize(3);
        assertThat(accounted.get(0)).satisfies(read -> {
            assertThat(read.actor().organisation()).isEqualTo(GP);
            assertThat(read.action()).isEqualTo(ReadAccess.Action.READ);
            assertThat(read.resourceType()).isEqualTo("Appointment");
            assertThat(read.resourceId()).isEqualTo("a1");
            assertThat(read.patientId()).isEqualTo(ADA.patientId());
            assertThat(read.allowed()).isTrue();
        });
        assertThat(accounted.get(1)).satisfies(refused -> {
            assertThat(refused.actor().organisation()).isEqualTo(STRANGER);
            assertThat(refused.resourceType()).isEqualTo("AppointmentHistory");
            assertThat(refused.allowed()).isFalse();
            assertThat(refused.reason()).isEqualTo("no such appointment, or " + STRANGER + " takes no part in it");
            assertThat(refused.patientId()).isNull();
        });
        assertThat(accounted.get(2)).satisfies(search -> {
            assertThat(search.action()).isEqualTo(ReadAccess.Action.SEARCH);
            assertThat(search.query()).isEqualTo("status=booked");
            assertThat(search.returnedIds()).containsExactly("a1");
        });
    }

    @Test
    void aStrangerListsNothing() throws Exception {
        projections.deliver(log.by(DERM, "dr-rivers", booked("a1", MONDAY_9)));

        mvc.perform(get("/api/appointments").header("X-Org", STRANGER))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.totalItems").value(0))
                .andExpect(jsonPath("$.items").isEmpty());
    }

    @Test
    void theListShowsTheCallersAppointmentsLatestStartFirst() throws Exception {
        projections.deliver(log.by(DERM, "dr-rivers", booked("early", MONDAY_9)),
                log.by(DERM, "dr-rivers", booked("late", TUESDAY_14)),
                log.by(HOSPITAL, "dr-harbour", new AppointmentBooked("elsewhere", null, ADA, HOSPITAL,
                        Set.of(HOSPITAL), MONDAY_9, "Ward 2", "Pre-op check", AppointmentStatus.BOOKED)));

        mvc.perform(get("/api/appointments").header("X-Org", GP))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.totalItems").value(2))
                .andExpect(jsonPath("$.items[0].appointmentId").value("late"))
                .andExpect(jsonPath("$.items[1].appointmentId").value("early"));
    }

    @Test
    void theNewPerformerSeesAHandedOffAppointmentAndItsHistory() throws Exception {
        projections.deliver(log.by(DERM, "dr-rivers", booked("a1", MONDAY_9)));
        mvc.perform(get("/api/appointments/a1").header("X-Org", HOSPITAL)).andExpect(status().isNotFound());

        projections.deliver(log.by(DERM, "dr-rivers", new AppointmentHandedOff("a1", null, "ref-a1", DERM, HOSPITAL,
                "needs day surgery", AppointmentStatus.BOOKED)));

        mvc.perform(get("/api/appointments").header("X-Org", HOSPITAL))
                .andExpect(jsonPath("$.items[0].appointmentId").value("a1"))
                .andExpect(jsonPath("$.items[0].performer").value(HOSPITAL));
        mvc.perform(get("/api/appointments/a1/history").header("X-Org", HOSPITAL))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$[0].event").value("AppointmentBooked"))
                .andExpect(jsonPath("$[1].event").value("AppointmentHandedOff"))
                .andExpect(jsonPath("$[1].user").value("dr-rivers"))
                .andExpect(jsonPath("$[1].organisation").value(DERM));
        mvc.perform(get("/api/appointments/a1").header("X-Org", DERM)).andExpect(status().isOk());
    }

    @Test
    void theListFiltersByPatientReferralStatusAndStartWindow() throws Exception {
        projections.deliver(log.by(DERM, "dr-rivers", booked("monday", MONDAY_9)),
                log.by(DERM, "dr-rivers", booked("tuesday", TUESDAY_14)),
                log.by(DERM, "dr-rivers", new AppointmentCancelled("tuesday", null, "ref-tuesday", "patient is well",
                        false, AppointmentStatus.CANCELLED)));

        mvc.perform(get("/api/appointments").header("X-Org", DERM).param("status", "cancelled"))
                .andExpect(jsonPath("$.items[*].appointmentId").value(org.hamcrest.Matchers.contains("tuesday")));
        mvc.perform(get("/api/appointments").header("X-Org", DERM).param("referral", "ref-monday"))
                .andExpect(jsonPath("$.items[*].appointmentId").value(org.hamcrest.Matchers.contains("monday")));
        mvc.perform(get("/api/appointments").header("X-Org", DERM)
                        .param("from", "2026-12-07T00:00:00Z").param("to", "2026-12-08T00:00:00Z"))
                .andExpect(jsonPath("$.items[*].appointmentId").value(org.hamcrest.Matchers.contains("monday")));
        mvc.perform(get("/api/appointments").header("X-Org", DERM).param("patient", ADA.patientId()))
                .andExpect(jsonPath("$.totalItems").value(2));
        // A patient the organisation takes no part in is not an empty list: a 404 naming the parameter.
        mvc.perform(get("/api/appointments").header("X-Org", DERM).param("patient", "someone-else"))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.errors[0].field").value("patient"));
    }

    @Test
    void anUnknownStatusIsABadRequestProblem() throws Exception {
        mvc.perform(get("/api/appointments").header("X-Org", DERM).param("status", "pending"))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.detail").value("status: unknown appointment status 'pending'"));
    }

    @Test
    void findAppointmentAnswersOnceItsSegmentHasHandledTheWritesPosition() throws Exception {
        var controller = new AppointmentQueryController(readModel, PATIENTS, accounted::add, commits, Duration.ofSeconds(5));
        projections.deliver(log.by(DERM, "dr-rivers", booked("a1", MONDAY_9)));
        var answer = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return controller.find(new FindAppointment("a1", HOSPITAL, 2, 7));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        assertThat(answer).as("waiting for position 7").isNotDone();

        projections.deliver(log.by(DERM, "dr-rivers", new AppointmentHandedOff("a1", null, "ref-a1", DERM, HOSPITAL,
                "needs day surgery", AppointmentStatus.BOOKED)));
        projected = 7;
        commits.storedElsewhere();

        AppointmentView view = answer.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(view.version()).isEqualTo(2);
        assertThat(view.performer()).isEqualTo(HOSPITAL);
    }

    @Test
    void findAppointmentAnswersNullAtOnceToAnOrganisationThatMayNotSeeIt() {
        projections.deliver(log.by(DERM, "dr-rivers", booked("a1", MONDAY_9)));
        projected = 1;
        var controller = new AppointmentQueryController(readModel, PATIENTS, accounted::add, commits, Duration.ofMinutes(1));

        AppointmentView view = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> controller.find(new FindAppointment("a1", STRANGER, 1, 1)));

        assertThat(view).isNull();
    }

    @Test
    void findAppointmentGivesUpAfterItsTimeoutWithWhatIsThere() throws Exception {
        projections.deliver(log.by(DERM, "dr-rivers", booked("a1", MONDAY_9)));
        projected = 1;
        var controller = new AppointmentQueryController(readModel, PATIENTS, accounted::add, commits, Duration.ofMillis(50));

        AppointmentView view = controller.find(new FindAppointment("a1", DERM, 2, 2));

        assertThat(view.version()).isEqualTo(1);
    }

    /** What the application's Problems advice does for ResponseStatusException: RFC 9457 problem+json. */
    @RestControllerAdvice
    static class Problems extends ResponseEntityExceptionHandler {
    }

    /** Stands in for the application's JWT resolver. */
    static class ActorFromHeader implements HandlerMethodArgumentResolver {
        @Override
        public boolean supportsParameter(MethodParameter parameter) {
            return Actor.class.equals(parameter.getParameterType());
        }

        @Override
        public Actor resolveArgument(MethodParameter parameter, ModelAndViewContainer mav, NativeWebRequest request,
                                     WebDataBinderFactory binderFactory) {
            return new Actor("user-of-" + request.getHeader("X-Org"), request.getHeader("X-Org"),
                    Set.of(Actor.COORDINATOR), "careloop-web", null);
        }
    }
}
