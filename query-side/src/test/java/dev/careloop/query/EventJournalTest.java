package dev.careloop.query;

import dev.careloop.api.TestPatients;
import dev.careloop.query.privacy.ClinicalTexts;
import dev.careloop.api.Patient;
import dev.careloop.api.appointment.AppointmentBooked;
import dev.careloop.api.appointment.AppointmentStatus;
import dev.careloop.api.appointment.Slot;
import dev.careloop.api.referral.Priority;
import dev.careloop.api.referral.ReferralAccepted;
import dev.careloop.api.referral.ReferralSent;
import dev.careloop.api.referral.ReferralStatus;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashSet;

import static dev.careloop.query.ReadModelDatabase.JSON;
import static org.assertj.core.api.Assertions.assertThat;

/** A journal entry's details: the event as JSON, less the aggregate's id and the status, and nothing else. */
class EventJournalTest {

    private static final Patient ADA = TestPatients.patient("urn:careloop:northside-gp:mrn", "MRN-1", "Ada \"Tab\"\tLovelace",
            LocalDate.of(1980, 1, 2));

    private final EventJournal journal = new EventJournal(JSON, new ClinicalTexts());

    @Test
    void detailsAreTheEventWithoutItsIdAndStatus() {
        ReferralSent sent = new ReferralSent("r-1", "REF-1", "urn:sys", "northside-gp", "riverside-derm", ADA,
                Priority.URGENT, "Dermatology", "Lesion\non the forearm", null,
                Instant.parse("2026-12-07T23:30:08.010984343Z"), null, ReferralStatus.CREATED);

        ObjectNode details = (ObjectNode) JSON.readTree(journal.details(sent, "referralId"));

        assertThat(details).isEqualTo(throughATree(sent, "referralId"));
        assertThat(details.has("referralId")).isFalse();
        assertThat(details.has("status")).isFalse();
        assertThat(details.get("patient").get("name").asString()).isEqualTo("Ada \"Tab\"\tLovelace");
        assertThat(details.get("slaDueAt").asString()).isEqualTo("2026-12-07T23:30:08.010984343Z");
    }

    @Test
    void anEventWithNothingButItsIdAndStatusHasEmptyDetails() {
        assertThat(journal.details(new ReferralAccepted("r-1", ReferralStatus.ACCEPTED), "referralId")).isEqualTo("{}");
    }

    @Test
    void nestedObjectsAndCollectionsStayWhole() {
        AppointmentBooked booked = new AppointmentBooked("a-1", "r-1", ADA, "riverside-derm",
                new LinkedHashSet<>(Arrays.asList("riverside-derm", "northside-gp")),
                new Slot(Instant.parse("2026-12-07T09:00:00Z"), Instant.parse("2026-12-07T09:30:00Z")), "Room 4", null,
                AppointmentStatus.BOOKED);

        String details = journal.details(booked, "appointmentId");

        assertThat(JSON.readTree(details)).isEqualTo(throughATree(booked, "appointmentId"));
        assertThat(JSON.readTree(details).get("referralId").asString()).isEqualTo("r-1");
    }

    /** Only the top level loses the two properties; a nested object keeps properties of the same names. */
    @Test
    void onlyTopLevelPropertiesAreLeftOut() {
        record Inner(String referralId, String status) {
        }
        record Outer(String referralId, Inner inner, String status) {
        }

        String details = journal.details(new Outer("r-1", new Inner("r-2", "open"), "closed"), "referralId");

        assertThat(JSON.readTree(details))
                .isEqualTo(JSON.readTree("{\"inner\":{\"referralId\":\"r-2\",\"status\":\"open\"}}"));
    }

    /** What the details were before they were written in one pass: the event as a tree, less two properties. */
    private static ObjectNode throughATree(Object event, String idProperty) {
        ObjectNode tree = JSON.valueToTree(event);
        tree.remove(idProperty);
        tree.remove("status");
        return tree;
    }
}
