package dev.careloop.query.asof;

import com.jayway.jsonpath.JsonPath;
import dev.careloop.api.audit.AuditTrailRead;
import dev.careloop.query.ReadModelDatabase;
import dev.careloop.query.audit.Histories;
import dev.careloop.query.audit.OfficerMvc;
import dev.careloop.query.audit.TestLog;
import org.axonframework.eventhandling.DomainEventMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.servlet.MockMvc;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.careloop.query.audit.TestLog.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** As-of views and diffs as officers meet them: scoped to the parties, 404 otherwise, and every answer audited. */
class AsOfControllerTest {

    private final TestLog log = new TestLog();
    private final OfficerMvc officers = new OfficerMvc();
    private MockMvc mvc;

    @BeforeEach
    void aLog() {
        Histories.longReferral(log, "r1", ADA);
        Histories.sharedRecord(log, "s1", "r1", ADA);
        Histories.fulfilledAppointment(log, "a1", "r1", ADA);
        EventHistory fromTheLog = new EventHistory(null) {
            @Override
            List<? extends DomainEventMessage<?>> of(String aggregateId) {
                return log.history(aggregateId);
            }
        };
        mvc = officers.mvc(new AsOfController(fromTheLog, officers.scope, officers.trail, ReadModelDatabase.JSON));
    }

    @Test
    void theReferralAsItWasBeforeItWasForwarded() throws Exception {
        Instant afterSending = log.history("r1").get(0).getTimestamp().plusSeconds(30);

        mvc.perform(get("/api/audit/referrals/r1").param("asOf", afterSending.toString()).header("X-Org", GP))
                .andExpect(status().isOk())
                .andExpect(header().string("ETag", "\"1\""))
                .andExpect(jsonPath("$.recipientOrganisation").value(DERM))
                .andExpect(jsonPath("$.status").value("created"))
                .andExpect(jsonPath("$.version").value(1));
    }

    @Test
    void anOrganisationThatJoinedLaterMaySeeEveryInstantOfTheReferral() throws Exception {
        Instant afterSending = log.history("r1").get(0).getTimestamp().plusSeconds(30);

        mvc.perform(get("/api/audit/referrals/r1").param("asOf", afterSending.toString()).header("X-Org", CARDIO))
                .andExpect(status().isOk());
    }

    @Test
    void anotherOrganisationsAggregateIsNotFoundAndTheAttemptIsAudited() throws Exception {
        Instant now = Instant.parse("2027-01-01T00:00:00Z");

        mvc.perform(get("/api/audit/referrals/r1").param("asOf", now.toString()).header("X-Org", STRANGER))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.detail").value("no such referral"));
        mvc.perform(get("/api/audit/referrals/s1").param("asOf", now.toString()).header("X-Org", GP))
                .andExpect(status().isNotFound());
        mvc.perform(get("/api/audit/appointments/nothing").param("asOf", now.toString()).header("X-Org", "careloop"))
                .andExpect(status().isNotFound());

        assertThat(officers.reads()).extracting(AuditTrailRead::operation, AuditTrailRead::entriesReturned)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("referral-as-of", 0L),
                        org.assertj.core.groups.Tuple.tuple("referral-as-of", 0L),
                        org.assertj.core.groups.Tuple.tuple("appointment-as-of", 0L));
    }

    @Test
    void beforeItExistedTheAggregateIsNotFound() throws Exception {
        Instant before = log.history("r1").get(0).getTimestamp().minusSeconds(1);

        mvc.perform(get("/api/audit/referrals/r1").param("asOf", before.toString()).header("X-Org", GP))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.detail").value("the referral did not exist yet at " + before));
    }

    @Test
    void theRecordAsItsAuthorSawItWithTheGrantsAsTheyStoodThen() throws Exception {
        List<DomainEventMessage<?>> history = log.history("s1");
        Instant afterAmendment = history.get(2).getTimestamp().plusSeconds(1);

        mvc.perform(get("/api/audit/records/s1").param("asOf", afterAmendment.toString()).header("X-Org", DERM))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.currentVersion").value(2))
                .andExpect(jsonPath("$.title").value("Discharge summary (corrected)"))
                .andExpect(jsonPath("$.grants[*].status").value(org.hamcrest.Matchers.contains("active", "active")));
        mvc.perform(get("/api/audit/records/s1").param("asOf", Histories.IN_A_YEAR.toString())
                        .header("X-Org", GP))
                .andExpect(jsonPath("$.grants[*].status").value(org.hamcrest.Matchers.contains("revoked", "expired")));
    }

    @Test
    void theAppointmentAsOfAnInstantAndItsParticipantsSeeIt() throws Exception {
        Instant afterHandOff = log.history("a1").get(4).getTimestamp();

        mvc.perform(get("/api/audit/appointments/a1").param("asOf", afterHandOff.toString()).header("X-Org", CARDIO))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.performer").value(CARDIO))
                .andExpect(jsonPath("$.status").value("booked"))
                .andExpect(jsonPath("$.reminderSent").value(true));
    }

    @Test
    void theDiffNamesExactlyTheFieldsThatChangedBetweenTwoInstants() throws Exception {
        List<DomainEventMessage<?>> history = log.history("r1");
        Instant afterSending = history.get(0).getTimestamp();
        Instant afterAccepting = history.get(4).getTimestamp();

        String diff = mvc.perform(get("/api/audit/referrals/r1/diff").param("from", afterSending.toString())
                        .param("to", afterAccepting.toString()).header("X-Org", GP))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        assertThat(JsonPath.<List<String>>read(diff, "$.changes[*].field")).containsExactly("recipientOrganisation",
                "status", "taskStatus", "businessStatus", "businessStatusDisplay", "updatedAt", "version");
        assertThat(JsonPath.<Map<String, Object>>read(diff, "$.changes[0]"))
                .containsEntry("from", DERM).containsEntry("to", CARDIO);
        assertThat((Integer) JsonPath.read(diff, "$.fromVersion")).isEqualTo(1);
        assertThat((Integer) JsonPath.read(diff, "$.toVersion")).isEqualTo(5);
        assertThat(officers.reads().get(0).operation()).isEqualTo("referral-diff");
        assertThat(officers.reads().get(0).query()).containsEntry("referral", "r1");
    }

    @Test
    void aDiffFromBeforeTheAggregateExistedShowsEveryFieldAsNew() throws Exception {
        List<DomainEventMessage<?>> history = log.history("a1");

        mvc.perform(get("/api/audit/appointments/a1/diff")
                        .param("from", history.get(0).getTimestamp().minusSeconds(60).toString())
                        .param("to", history.get(0).getTimestamp().toString()).header("X-Org", GP))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.fromVersion").doesNotExist())
                .andExpect(jsonPath("$.changes[0].field").value("appointmentId"))
                .andExpect(jsonPath("$.changes[0].to").value("a1"));
    }

    @Test
    void aFormerRecipientsOfficerSeesTheReferralAsItWasWhenItWasForwardedNotLater() throws Exception {
        List<DomainEventMessage<?>> history = log.history("r1");
        Instant forwarded = history.get(1).getTimestamp();
        Instant later = history.get(history.size() - 1).getTimestamp().plusSeconds(60);

        mvc.perform(get("/api/audit/referrals/r1").param("asOf", later.toString()).header("X-Org", DERM))
                .andExpect(status().isOk())
                .andExpect(header().string("ETag", "\"2\""))
                .andExpect(jsonPath("$.version").value(2))
                .andExpect(jsonPath("$.recipientOrganisation").value(CARDIO))
                .andExpect(jsonPath("$.status").value("created"))
                .andExpect(jsonPath("$.asOfClampedTo").value(Instants.stored(forwarded).toString()));
        // Before the forward it is the referral as it was then, and nothing is clamped.
        mvc.perform(get("/api/audit/referrals/r1").param("asOf", history.get(0).getTimestamp().toString())
                        .header("X-Org", DERM))
                .andExpect(jsonPath("$.version").value(1))
                .andExpect(jsonPath("$.asOfClampedTo").doesNotExist());
        // The initiator's, the current recipient's and the platform's officers see it all.
        for (String org : List.of(GP, CARDIO, "careloop")) {
            mvc.perform(get("/api/audit/referrals/r1").param("asOf", later.toString()).header("X-Org", org))
                    .andExpect(jsonPath("$.version").value(history.size()))
                    .andExpect(jsonPath("$.asOfClampedTo").doesNotExist());
        }
    }

    @Test
    void aFormerRecipientsDiffEndsWhereItsPartEnded() throws Exception {
        List<DomainEventMessage<?>> history = log.history("r1");
        Instant later = history.get(history.size() - 1).getTimestamp().plusSeconds(60);

        String diff = mvc.perform(get("/api/audit/referrals/r1/diff")
                        .param("from", history.get(0).getTimestamp().toString()).param("to", later.toString())
                        .header("X-Org", DERM))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        assertThat((Integer) JsonPath.read(diff, "$.toVersion")).isEqualTo(2);
        assertThat(JsonPath.<String>read(diff, "$.clampedTo"))
                .isEqualTo(Instants.stored(history.get(1).getTimestamp()).toString());
        assertThat(JsonPath.<List<String>>read(diff, "$.changes[*].field")).contains("recipientOrganisation")
                .doesNotContain("appointmentId", "loopClosed");
        // Both ends after its part ended: nothing changed, as far as it may know.
        String after = mvc.perform(get("/api/audit/referrals/r1/diff")
                        .param("from", history.get(4).getTimestamp().toString()).param("to", later.toString())
                        .header("X-Org", DERM))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(JsonPath.<List<Object>>read(after, "$.changes")).isEmpty();
    }

    @Test
    void aRecipientWhoseAccessEndedSeesTheRecordAsItWasThenWithoutLaterAmendments() throws Exception {
        Histories.forwardedRecord(log, "f1", "r1", ADA);
        List<DomainEventMessage<?>> history = log.history("f1");
        Instant later = history.get(history.size() - 1).getTimestamp().plusSeconds(60);

        mvc.perform(get("/api/audit/records/f1").param("asOf", later.toString()).header("X-Org", DERM))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.currentVersion").value(1))
                .andExpect(jsonPath("$.title").value("ECG"))
                .andExpect(jsonPath("$.grants[*].organisation").value(org.hamcrest.Matchers.contains(DERM)))
                .andExpect(jsonPath("$.grants[0].status").value("revoked"))
                .andExpect(jsonPath("$.asOfClampedTo")
                        .value(Instants.stored(history.get(2).getTimestamp()).toString()));
        mvc.perform(get("/api/audit/records/f1").param("asOf", later.toString()).header("X-Org", CARDIO))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.currentVersion").value(2))
                .andExpect(jsonPath("$.grants[*].status").value(org.hamcrest.Matchers.contains("active", "revoked")))
                .andExpect(jsonPath("$.asOfClampedTo").doesNotExist());
    }

    @Test
    void nonComplianceCallersAreForbidden() throws Exception {
        mvc.perform(get("/api/audit/referrals/r1").param("asOf", "2027-01-01T00:00:00Z").header("X-Org", GP)
                .header("X-Roles", "clinician")).andExpect(status().isForbidden());
        mvc.perform(get("/api/audit/referrals/r1/diff").param("from", "2026-01-01T00:00:00Z")
                .param("to", "2027-01-01T00:00:00Z").header("X-Org", GP).header("X-Roles", "coordinator"))
                .andExpect(status().isForbidden());
        assertThat(officers.reads()).isEmpty();
    }
}
