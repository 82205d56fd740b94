package dev.careloop.query.audit;

import dev.careloop.api.PurposeOfUse;
import dev.careloop.api.disclosure.DisclosedToPartner;
import dev.careloop.api.privacy.PatientErased;
import dev.careloop.api.record.RecordAccessDenied;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AuditSequencingTest {

    private final AuditSequencing sequencing = new AuditSequencing();

    @Test
    void anAccessDenialIsInTheSequenceOfTheRecordItNames() {
        EventMessage<?> denial = GenericEventMessage.asEventMessage(
                new RecordAccessDenied("rec-1", "lakeside-cardio", PurposeOfUse.TREATMENT, null, "no grant",
                        Instant.now()));

        assertThat(sequencing.getSequenceIdentifierFor(denial)).isEqualTo("rec-1");
    }

    @Test
    void aDisclosureIsInTheSequenceOfTheAggregateDisclosed() {
        EventMessage<?> disclosure = GenericEventMessage.asEventMessage(new DisclosedToPartner("partner-1",
                "riverside-derm", "Referral", "ref-1", 2, "ref-1", "patient-1", List.of("Task")));

        assertThat(sequencing.getSequenceIdentifierFor(disclosure)).isEqualTo("ref-1");
    }

    @Test
    void eventsOfDifferentAggregatesAreInDifferentSequences() {
        EventMessage<?> erasure = GenericEventMessage.asEventMessage(new PatientErased("patient-1", "request", 0));
        EventMessage<?> other = new GenericDomainEventMessage<>("Other", "agg-9", 0, "payload");

        assertThat(sequencing.getSequenceIdentifierFor(erasure)).isEqualTo("patient-1");
        assertThat(sequencing.getSequenceIdentifierFor(other)).isEqualTo("agg-9");
    }

    @Test
    void anIdTooLongOrNotPrintableForTheDeadLetterTableIsReplacedByItsHash() {
        String longId = "r".repeat(7_000);
        Object longSequence = sequencing.getSequenceIdentifierFor(GenericEventMessage.asEventMessage(
                new RecordAccessDenied(longId, "lakeside-cardio", PurposeOfUse.TREATMENT, null, "no grant",
                        Instant.now())));
        Object nulSequence = sequencing.getSequenceIdentifierFor(GenericEventMessage.asEventMessage(
                new RecordAccessDenied("a\u0000b", "lakeside-cardio", PurposeOfUse.TREATMENT, null, "no grant",
                        Instant.now())));

        assertThat(longSequence.toString()).startsWith("sha256:").hasSize(7 + 64);
        assertThat(nulSequence.toString()).startsWith("sha256:").doesNotContain("\u0000");
        assertThat(longSequence).isNotEqualTo(nulSequence);
    }
}
