package dev.careloop.query.audit;

import dev.careloop.api.partnership.PartnershipGoalSet;
import dev.careloop.api.partnership.PartnershipGoalWithdrawn;
import com.jayway.jsonpath.JsonPath;
import dev.careloop.api.TestPatients;
import dev.careloop.api.Patient;
import dev.careloop.api.PurposeOfUse;
import dev.careloop.api.audit.AuditTrailRead;
import dev.careloop.api.record.RecordAccessDenied;
import dev.careloop.api.PatientIdentifierSystems;
import dev.careloop.query.ReadModelDatabase;
import dev.careloop.query.patient.PatientLookup;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericTrackedEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.careloop.query.audit.TestLog.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The audit API as officers of three organisations (and a stranger, and the platform) meet it, over one log of
 * three patients: each filter and combination returns exactly the entries written down here by hand, and never
 * one of an aggregate the officer's organisation neither acted in nor was party to.
 */
class AuditControllerTest {

    private static final Patient LIN = TestPatients.patient("https://lakeside-cardio.example/mrn", "MRN-LIN", "Lin Ma",
            LocalDate.of(1990, 5, 6));
    private static final String PLATFORM = "careloop";

    private final ReadModelDatabase.Projections projection = new ReadModelDatabase.Projections(
            AuditProjectionTest.projection(ReadModelDatabase.stores()));
    private final OfficerMvc officers = new OfficerMvc();
    private final AuditReadModel readModel = new AuditReadModel(ReadModelDatabase.jdbc(), ReadModelDatabase.JSON);
    private final MockMvc mvc = officers.mvc(new AuditController(readModel, officers.scope, officers.trail,
            new AuditFilters(readModel, new PatientLookup(ReadModelDatabase.jdbc(), TestPatients.IDS,
                    new PatientIdentifierSystems(Map.of(GP, Set.of("https://northside-gp.example/mrn"),
                            DERM, Set.of("https://riverside-derm.example/mrn"))))),
            new AuditSearch(readModel, new ReadAccessEntries(ReadModelDatabase.jdbc(), ReadModelDatabase.JSON,
                    readModel))));
    private final TestLog log = new TestLog();

    /**
     * r1 (Ada): northside-gp to riverside-derm, forwarded to lakeside-cardio, 17 events; its record rec-of-r1 (6,
     * shared with derm and cardio) and appointment a1 (7, derm then cardio, gp a participant); a stranger's refused
     * read of the record (1). r2 (Grace): gp to derm, declined (2). a2 (Grace): cardio alone (2). r3 (Lin): cardio
     * to derm (1). 36 entries.
     */
    @BeforeEach
    void aLogOfThreeOrganisationsAndThreePatients() {
        AuditProjectionTest.emptyTables();
        Histories.longReferral(log, "r1", ADA);
        Histories.sharedRecord(log, "rec-of-r1", "r1", ADA);
        Histories.fulfilledAppointment(log, "a1", "r1", ADA);
        Histories.declinedReferral(log, "r2", GRACE);
        Histories.cancelledAppointment(log, "a2", GRACE);
        Histories.sent(log, "r3", LIN, CARDIO, DERM);
        log.plain(STRANGER, "nosy", PurposeOfUse.TREATMENT, new RecordAccessDenied("rec-of-r1", STRANGER,
                PurposeOfUse.TREATMENT, null, "no grant", Instant.now()));
        projection.deliver(log.all().toArray(new EventMessage<?>[0]));
    }

    @Test
    void eachOfficerSeesTheWorkOfTheirOrganisationAndNothingElse() throws Exception {
        assertThat(total(search(GP))).isEqualTo(33);
        assertThat(aggregates(search(GP))).containsExactlyInAnyOrder("r1", "rec-of-r1", "a1", "r2");
        // riverside-derm forwarded r1 on at its second event: of r1's 17 it sees those two (docs/CONSENT.md).
        assertThat(total(search(DERM))).isEqualTo(34 - 15);
        assertThat(aggregates(search(DERM))).containsExactlyInAnyOrder("r1", "rec-of-r1", "a1", "r2", "r3");
        // lakeside-cardio's access to rec-of-r1 was revoked: the expiry and the later denial are not its to see.
        assertThat(total(search(CARDIO))).isEqualTo(34 - 2);
        assertThat(aggregates(search(CARDIO))).containsExactlyInAnyOrder("r1", "rec-of-r1", "a1", "a2", "r3");
        assertThat(types(search(STRANGER))).containsExactly("RecordAccessDenied");
    }

    @Test
    void thePlatformsComplianceOfficerSeesEverything() throws Exception {
        String all = search(PLATFORM);

        assertThat(total(all)).isEqualTo(36);
        assertThat((String) JsonPath.read(all, "$.scope")).isEqualTo("platform");
        assertThat((String) JsonPath.read(search(GP), "$.scope")).isEqualTo(GP);
    }

    @Test
    void byPatient() throws Exception {
        assertThat(types(search(GP, "patient", GRACE.patientId()))).containsExactly("ReferralSent", "ReferralDeclined");
        assertThat(types(search(CARDIO, "patient", GRACE.patientId())))
                .containsExactly("AppointmentBooked", "AppointmentCancelled");
        assertThat(total(search(PLATFORM, "patient", GRACE.patientId()))).isEqualTo(4);
        assertThat(total(search(DERM, "patient", LIN.patientId()))).isEqualTo(1);
    }

    @Test
    void aPatientOutsideTheOfficersPartOfTheTrailIsNotFoundNamingTheParameterNeverAnEmptyAnswer() throws Exception {
        for (String patient : List.of(LIN.patientId(), "https://lakeside-cardio.example/mrn|MRN-LIN", "MRN-LIN",
                "https://northside-gp.example/mrn|MRN-NOBODY", "no-such-patient")) {
            mvc.perform(get("/api/audit").param("patient", patient).header("X-Org", GP))
                    .andExpect(status().isNotFound())
                    .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(jsonPath("$.errors[0].field").value("patient"));
        }
        mvc.perform(get("/api/audit/disclosures").param("patient", "MRN-NOBODY").header("X-Org", GP))
                .andExpect(status().isNotFound()).andExpect(jsonPath("$.errors[0].field").value("patient"));
    }

    @Test
    void byMrnAsSystemAndValueOrAsAValueOfTheOfficersOwnSystem() throws Exception {
        List<String> byId = types(search(GP, "patient", GRACE.patientId()));

        assertThat(types(search(GP, "patient", "https://northside-gp.example/mrn|MRN-GRACE"))).isEqualTo(byId)
                .containsExactly("ReferralSent", "ReferralDeclined");
        assertThat(types(search(GP, "patient", " MRN-GRACE "))).isEqualTo(byId);
        // lakeside-cardio owns no identifier system here: it names northside-gp's patient by system and value.
        assertThat(types(search(CARDIO, "patient", "https://northside-gp.example/mrn|MRN-GRACE")))
                .containsExactly("AppointmentBooked", "AppointmentCancelled");
        mvc.perform(get("/api/audit").param("patient", "MRN-GRACE").header("X-Org", CARDIO))
                .andExpect(status().isNotFound());
    }

    @Test
    void datesAreWholeDaysInUtcAndInstantsTakeAnyOffset() throws Exception {
        Instant first = log.all().get(0).getTimestamp();
        String day = first.atZone(java.time.ZoneOffset.UTC).toLocalDate().toString();
        String nextDay = first.atZone(java.time.ZoneOffset.UTC).toLocalDate().plusDays(1).toString();
        long all = total(search(PLATFORM));

        assertThat(total(search(PLATFORM, "from", day))).isEqualTo(all);
        assertThat(total(search(PLATFORM, "from", nextDay))).isZero();
        // "to" a date reaches the end of that day.
        assertThat(total(search(PLATFORM, "from", day, "to", day))).isEqualTo(all);
        assertThat(total(search(PLATFORM, "to", day))).isEqualTo(all);
        String offset = first.atOffset(java.time.ZoneOffset.ofHours(2)).toString();
        assertThat(total(search(PLATFORM, "from", offset))).isEqualTo(all);
    }

    @Test
    void aMalformedDateIsNamedWithTheFormsItTakes() throws Exception {
        mvc.perform(get("/api/audit").param("from", "01/12/2026").param("to", "2026-12-01T09:00:00")
                        .header("X-Org", GP))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.errors[*].field").value(org.hamcrest.Matchers.containsInAnyOrder("from", "to")))
                .andExpect(jsonPath("$.errors[0].message").value(org.hamcrest.Matchers.containsString("2026-12-01")));
        mvc.perform(get("/api/audit").param("from", "2026-12-02").param("to", "2026-12-01").header("X-Org", GP))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.errors[0].field").value("to"));
    }

    @Test
    void byReferralIncludingItsRecordsAndAppointments() throws Exception {
        String found = search(GP, "referral", "r1");

        assertThat(total(found)).isEqualTo(17 + 6 + 1 + 7);
        assertThat(aggregates(found)).containsExactlyInAnyOrder("r1", "rec-of-r1", "a1");
        assertThat(total(search(CARDIO, "referral", "r2"))).isZero();
    }

    @Test
    void byRecord() throws Exception {
        // The attachment is an event of r1 written after riverside-derm forwarded it: not its to see.
        assertThat(types(search(DERM, "record", "rec-of-r1"))).containsExactly("RecordShared",
                "RecordDisclosed", "RecordAmended", "RecordDisclosed", "RecordAccessRevoked", "RecordAccessExpired",
                "RecordAccessDenied");
        assertThat(types(search(STRANGER, "record", "rec-of-r1"))).containsExactly("RecordAccessDenied");
    }

    @Test
    void byAppointment() throws Exception {
        assertThat(total(search(GP, "appointment", "a1"))).isEqualTo(7);
        assertThat(total(search(GP, "appointment", "a2"))).isZero();
        assertThat(types(search(CARDIO, "appointment", "a2")))
                .containsExactly("AppointmentBooked", "AppointmentCancelled");
    }

    @Test
    void byActingUser() throws Exception {
        assertThat(types(search(GP, "user", "dr-lake"))).containsExactly("InformationRequested", "ReferralAccepted",
                "InterimNoteSent", "OutcomeSent", "ReferredBack", "AppointmentFulfilled");
    }

    @Test
    void byActingOrganisationAndEventTypes() throws Exception {
        assertThat(total(search(GP, "organisation", CARDIO, "type", "VisitScheduled"))).isEqualTo(3);
        assertThat(types(search(GP, "organisation", CARDIO, "type", "VisitScheduled,VisitCancelled")))
                .containsExactly("VisitScheduled", "VisitScheduled", "VisitCancelled", "VisitScheduled");
        assertThat(total(search(DERM, "organisation", CARDIO, "type", "AppointmentBooked"))).isZero();
    }

    @Test
    void byPurposeClientAndRequest() throws Exception {
        String coordination = search(GP, "purpose", "COC");
        assertThat(types(coordination)).containsExactly("RecordDisclosed");
        assertThat((Integer) JsonPath.read(coordination, "$.items[0].details.version")).isEqualTo(2);

        assertThat(types(search(PLATFORM, "client", DERM + "-web", "patient", ADA.patientId()))).containsExactly(
                "ReferralForwarded", "RecordDisclosed", "RecordDisclosed", "AppointmentProposed",
                "AppointmentRescheduled", "AppointmentReminderDue", "AppointmentHandedOff");
        assertThat(types(search(GP, "request", "req-5"))).containsExactly("ReferralAccepted");
    }

    @Test
    void inATimeWindowFromInclusiveToExclusive() throws Exception {
        List<EventMessage<?>> all = List.copyOf(log.all());
        Instant tenth = all.get(9).getTimestamp().minusSeconds(1);
        Instant thirteenth = all.get(12).getTimestamp().minusSeconds(1);

        String window = search(PLATFORM, "from", tenth.toString(), "to", thirteenth.toString());

        assertThat(types(window)).containsExactly("VisitScheduled", "VisitCancelled", "VisitScheduled");
    }

    @Test
    void inCombination() throws Exception {
        assertThat(types(search(GP, "patient", ADA.patientId(), "organisation", GP,
                "type", "ReferralSent,RecordShared,AppointmentBooked", "from", log.all().get(1).getTimestamp().toString())))
                .containsExactly("RecordShared", "AppointmentBooked");
    }

    @Test
    void newestFirstAndPagedWithTotals() throws Exception {
        String page = search(PLATFORM, "sort", "time,desc", "size", "10", "page", "1");

        assertThat(total(page)).isEqualTo(36);
        assertThat((Integer) JsonPath.read(page, "$.totalPages")).isEqualTo(4);
        assertThat(JsonPath.<List<Integer>>read(page, "$.items[*].globalIndex"))
                .containsExactly(26, 25, 24, 23, 22, 21, 20, 19, 18, 17);
    }

    @Test
    void onlyComplianceOfficersMayReadTheTrail() throws Exception {
        mvc.perform(get("/api/audit").header("X-Org", GP).header("X-Roles", "clinician,coordinator"))
                .andExpect(status().isForbidden())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
        mvc.perform(get("/api/audit/disclosures").param("patient", ADA.patientId()).header("X-Org", PLATFORM)
                .header("X-Roles", "admin")).andExpect(status().isForbidden());
        assertThat(officers.reads()).isEmpty();
    }

    @Test
    void theAccountingOfDisclosuresListsEveryReadOfThePatientsRecords() throws Exception {
        String accounting = mvc.perform(get("/api/audit/disclosures").param("patient", ADA.patientId())
                .header("X-Org", GP)).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        List<Map<String, Object>> disclosures = JsonPath.read(accounting, "$.disclosures");
        assertThat(disclosures).hasSize(2);
        assertThat(disclosures.get(0)).containsEntry("recordId", "rec-of-r1").containsEntry("version", 1)
                .containsEntry("disclosedTo", DERM).containsEntry("user", "dr-rivers")
                .containsEntry("organisation", DERM).containsEntry("purposeOfUse", "TREAT")
                .containsEntry("channel", "record-download").containsEntry("client", DERM + "-web");
        assertThat(disclosures.get(1)).containsEntry("version", 2).containsEntry("purposeOfUse", "COC");

        // Refused Ada's record without being a party, the stranger's officer may not learn whose it was.
        mvc.perform(get("/api/audit/disclosures").param("patient", ADA.patientId()).header("X-Org", STRANGER))
                .andExpect(status().isNotFound());
        assertThat(disclosuresOf(GP, GRACE)).isZero();
        assertThat(disclosuresOf(CARDIO, ADA)).isEqualTo(2);
    }

    @Test
    void everyReadOfTheTrailIsItselfAnAuditedEventOnlyTheReadersOrganisationSees() throws Exception {
        search(GP, "patient", GRACE.patientId());
        search(PLATFORM, "user", "dr-lake");

        assertThat(officers.reads()).hasSize(2);
        AuditTrailRead read = officers.reads().get(0);
        assertThat(read.officer()).isEqualTo("officer-of-" + GP);
        assertThat(read.organisation()).isEqualTo(GP);
        assertThat(read.platformWide()).isFalse();
        assertThat(read.operation()).isEqualTo("search");
        assertThat(read.query()).containsEntry("patient", GRACE.patientId()).containsEntry("sort", "time,asc")
                .doesNotContainKey("user");
        assertThat(read.entriesReturned()).isEqualTo(2);
        assertThat(officers.reads().get(1).platformWide()).isTrue();
        assertThat(officers.published.get(0).getMetaData()).containsEntry("userId", "officer-of-" + GP)
                .containsEntry("organisation", GP).containsEntry("roles", "compliance")
                .containsEntry("purposeOfUse", PurposeOfUse.COMPLIANCE);

        long next = 1000;
        for (EventMessage<?> published : officers.published) {
            projection.deliver(new GenericTrackedEventMessage<>(new GlobalSequenceTrackingToken(next++), published));
        }
        String reads = search(GP, "type", "AuditTrailRead", "patient", GRACE.patientId());
        assertThat(types(reads)).containsExactly("AuditTrailRead");
        assertThat((String) JsonPath.read(reads, "$.items[0].description"))
                .isEqualTo("officer-of-northside-gp of northside-gp read the audit trail (search): 2 entries");
        assertThat(total(search(DERM, "type", "AuditTrailRead"))).isZero();
    }

    @Test
    void aPatientsHistoryLeavesOutTheOfficersOwnLookupsUntilAskedForAndEveryOtherSearchKeepsThem() throws Exception {
        search(GP, "patient", GRACE.patientId());
        search(GP, "patient", GRACE.patientId(), "type", "ReferralSent");
        long next = 1000;
        for (EventMessage<?> published : List.copyOf(officers.published)) {
            projection.deliver(new GenericTrackedEventMessage<>(new GlobalSequenceTrackingToken(next++), published));
        }

        String history = search(GP, "patient", GRACE.patientId());
        assertThat(types(history)).containsExactly("ReferralSent", "ReferralDeclined");
        assertThat((Boolean) JsonPath.read(history, "$.oversightIncluded")).isFalse();

        String withOversight = search(GP, "patient", GRACE.patientId(), "includeOversight", "true");
        assertThat(types(withOversight)).containsExactlyInAnyOrder("ReferralSent", "ReferralDeclined", "AuditTrailRead",
                "AuditTrailRead");
        assertThat((Boolean) JsonPath.read(withOversight, "$.oversightIncluded")).isTrue();
        // Asking for the reads of the trail by type is asking for them.
        assertThat(total(search(GP, "patient", GRACE.patientId(), "type", "AuditTrailRead"))).isEqualTo(2);
        // Not a patient's history: the officers' lookups are entries like any other, unless left out.
        String everything = search(GP);
        assertThat(total(everything)).isEqualTo(33 + 2);
        assertThat((Boolean) JsonPath.read(everything, "$.oversightIncluded")).isTrue();
        assertThat(total(search(GP, "includeOversight", "false"))).isEqualTo(33);
        // Still accounted for: the toggle is recorded with the read of the trail that used it.
        assertThat(officers.reads()).anySatisfy(read -> assertThat(read.query())
                .containsEntry("includeOversight", "true").containsEntry("patient", GRACE.patientId()));
        mvc.perform(get("/api/audit").param("patient", GRACE.patientId()).param("includeOversight", "yes")
                        .header("X-Org", GP))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.errors[0].field").value("includeOversight"));
    }

    private long disclosuresOf(String org, Patient patient) throws Exception {
        String body = mvc.perform(get("/api/audit/disclosures").param("patient", patient.patientId())
                .header("X-Org", org)).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        return JsonPath.<List<Object>>read(body, "$.disclosures").size();
    }

    private String search(String org, String... params) throws Exception {
        MockHttpServletRequestBuilder request = get("/api/audit").header("X-Org", org);
        if (!List.of(params).contains("size")) {
            request.param("size", "500");
        }
        for (int i = 0; i < params.length; i += 2) {
            request.param(params[i], params[i + 1]);
        }
        return mvc.perform(request).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
    }

    @Test
    void aPartnershipGoalSetAndWithdrawnIsInTheTrailOfBothOrganisationsOfThePartnershipOnly() throws Exception {
        log.by(GP, "gp-coord", new PartnershipGoalSet("g1", GP, DERM, "slaMetRate", "atLeast", 0.9, null, "urgent",
                null, "outgoing", "Agreed at the quarterly review"));
        log.by(GP, "gp-coord", new PartnershipGoalWithdrawn("g1", GP, DERM, "Replaced by a stricter goal"));
        projection.deliver(log.all().toArray(new EventMessage<?>[0]));

        String gp = search(GP, "type", "PartnershipGoalSet");
        assertThat(types(search(GP))).contains("PartnershipGoalSet", "PartnershipGoalWithdrawn");
        assertThat(JsonPath.<List<String>>read(gp, "$.items[*].description"))
                .containsExactly("northside-gp set a goal on its partnership with riverside-derm: slaMetRate atLeast 0.9");
        assertThat(JsonPath.<List<String>>read(gp, "$.items[*].aggregateType")).containsExactly("partnership");
        assertThat(aggregates(search(DERM))).contains("g1");
        assertThat(aggregates(search(CARDIO))).doesNotContain("g1");
        assertThat(aggregates(search(STRANGER))).doesNotContain("g1");
    }

    private static long total(String page) {
        return ((Number) JsonPath.read(page, "$.totalItems")).longValue();
    }

    private static List<String> types(String page) {
        return JsonPath.read(page, "$.items[*].eventType");
    }

    private static List<String> aggregates(String page) {
        return JsonPath.<List<String>>read(page, "$.items[*].aggregateId").stream().distinct().toList();
    }
}
