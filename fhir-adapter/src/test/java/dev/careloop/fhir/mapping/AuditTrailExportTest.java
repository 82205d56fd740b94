package dev.careloop.fhir.mapping;

import dev.careloop.api.record.EmergencyAccessReviewed;
import dev.careloop.api.record.EmergencyAccessUsed;
import dev.careloop.api.record.RecordDisclosed;
import dev.careloop.fhir.FhirValidation;
import dev.careloop.fhir.TestEvents.History;
import org.axonframework.eventhandling.DomainEventMessage;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The audit trail as a FHIR Bundle: an AuditEvent per entry, a Provenance per change, all valid R4. */
class AuditTrailExportTest {

    private final AuditTrailExport export = new AuditTrailExport(new R4ChangeProjector());
    private final History referral = Histories.longReferral();
    private final History record = Histories.longRecord();
    private final Map<String, History> histories = Map.of(referral.events().get(0).getAggregateIdentifier(), referral,
            record.events().get(0).getAggregateIdentifier(), record);

    @Test
    void everyEntryIsAnAuditEventAndEveryChangeHasItsProvenanceAllValidR4() {
        List<AuditTrailExport.Entry> entries = new ArrayList<>();
        entries.addAll(entries(referral, "referral"));
        entries.addAll(entries(record, "record"));
        entries.add(new AuditTrailExport.Entry("e-read", Instant.parse("2026-11-23T10:00:00Z"), "AuditTrailRead",
                "audit-north of northside-gp read the audit trail (search): 3 entries", "audit", "e-read", null,
                "p-1", "audit-north", "Ana Berg", "northside-gp", null, "HOPERAT", "req-9"));

        Bundle bundle = export.bundle(entries, id -> histories.get(id).events(), Instant.parse("2026-11-24T00:00:00Z"));

        List<Resource> resources = bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).toList();
        assertThat(resources).filteredOn(AuditEvent.class::isInstance).hasSize(entries.size());
        // A read of a record, an emergency access and its review change no resource: an AuditEvent, no Provenance.
        long reads = record.events().stream().filter(e -> e.getPayload() instanceof RecordDisclosed
                || e.getPayload() instanceof EmergencyAccessUsed || e.getPayload() instanceof EmergencyAccessReviewed)
                .count();
        assertThat(resources).filteredOn(Provenance.class::isInstance)
                .hasSize(referral.events().size() + record.events().size() - (int) reads);
        FhirValidation.assertValid(bundle);
        resources.forEach(FhirValidation::assertValid);
    }

    @Test
    void aRecordReadIsExportedAsItsOwnDisclosureAuditEvent() {
        Bundle bundle = export.bundle(entries(record, "record").subList(1, 2), id -> histories.get(id).events(),
                Instant.now());

        AuditEvent read = bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(AuditEvent.class::isInstance).map(AuditEvent.class::cast).findFirst().orElseThrow();
        assertThat(read.getAction()).isEqualTo(AuditEvent.AuditEventAction.R);
        assertThat(read.getEntity()).anySatisfy(e -> assertThat(e.getWhat().getType()).isEqualTo("DocumentReference"));
    }

    @Test
    void aChangeIsExportedAsAnUpdateOfTheVersionItMade() {
        AuditTrailExport.Entry accepted = entries(referral, "referral").get(3);

        AuditEvent audit = (AuditEvent) export.bundle(List.of(accepted), id -> histories.get(id).events(),
                Instant.now()).getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(AuditEvent.class::isInstance).findFirst().orElseThrow();

        assertThat(audit.getAction()).isEqualTo(AuditEvent.AuditEventAction.U);
        assertThat(audit.getEntity()).anySatisfy(e -> assertThat(e.getWhat().getReference())
                .isEqualTo("Task/" + accepted.aggregateId() + "/_history/4"));
        assertThat(audit.getAgent()).anySatisfy(a -> assertThat(a.getRequestor()).isTrue());
    }

    @Test
    void aRefusedReadIsExportedAsAFailedReadOfTheRecordNeverAsASuccessfulUpdate() {
        AuditTrailExport.Entry refused = new AuditTrailExport.Entry("e-denied", Instant.parse("2026-12-01T09:00:00Z"),
                "RecordAccessDenied", "lakeside-cardio was refused record rec-9: the record was not shared with "
                + "lakeside-cardio", "record", "rec-9", null, "p-1", "dr.stone", "Dr Stone", "lakeside-cardio",
                "careloop-web", "TREAT", "req-4", "https://northside-gp.example/mrn|NG-7", null);

        AuditEvent audit = only(export.bundle(List.of(refused), id -> List.of(), Instant.now()));

        assertThat(audit.getAction()).isEqualTo(AuditEvent.AuditEventAction.R);
        assertThat(audit.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
        assertThat(audit.getSubtype()).extracting(c -> c.getCode()).contains("read", "RecordAccessDenied");
        assertThat(audit.getEntity()).anySatisfy(e -> {
            assertThat(e.getWhat().getIdentifier().getValue()).isEqualTo("p-1");
            assertThat(e.getDetailFirstRep().getValueStringType().getValue())
                    .isEqualTo("https://northside-gp.example/mrn|NG-7");
        });
        FhirValidation.assertValid(audit);
    }

    @Test
    void aSearchOfTheTrailIsAQueryThatCarriesWhatWasAsked() {
        AuditTrailExport.Entry search = new AuditTrailExport.Entry("e-read", Instant.parse("2026-12-01T09:00:00Z"),
                "AuditTrailRead", "audit-north of northside-gp read the audit trail (search): 3 entries", "audit",
                "e-read", null, null, "audit-north", "Ana Berg", "northside-gp", null, "HOPERAT", "req-9", null,
                "patient=p-1&type=RecordDisclosed");

        AuditEvent audit = only(export.bundle(List.of(search), id -> List.of(), Instant.now()));

        assertThat(audit.getAction()).isEqualTo(AuditEvent.AuditEventAction.E);
        assertThat(audit.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
        assertThat(audit.getEntity()).anySatisfy(e -> {
            assertThat(e.getRole().getCode()).isEqualTo("24");
            assertThat(new String(e.getQuery(), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo("patient=p-1&type=RecordDisclosed");
        });
        FhirValidation.assertValid(audit);
    }

    @Test
    void aReadOfPatientDataIsABalpReadOfTheResourceNamingThePatientByPlatformId() {
        AuditTrailExport.Entry read = access("access-41", "p-1", "https://northside-gp.example/mrn|NG-7", null,
                new AuditTrailExport.Access("R", "rest", "ReferralTimeline", "r-1", List.of(), true, null));

        AuditEvent audit = only(export.bundle(List.of(read), id -> List.of(), Instant.now()));

        assertThat(audit.getAction()).isEqualTo(AuditEvent.AuditEventAction.R);
        assertThat(audit.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
        assertThat(audit.getSubtype()).extracting(c -> c.getCode()).containsExactly("read", "ReadAccess");
        assertThat(audit.getEntity()).anySatisfy(e -> {
            assertThat(e.getWhat().getIdentifier().getSystem()).isEqualTo("https://careloop.dev/fhir/sid/patient-id");
            assertThat(e.getWhat().getIdentifier().getValue()).isEqualTo("p-1");
            assertThat(e.getDetailFirstRep().getValueStringType().getValue())
                    .isEqualTo("https://northside-gp.example/mrn|NG-7");
        });
        assertThat(audit.getEntity()).anySatisfy(e -> {
            assertThat(e.getWhat().getReference()).isEqualTo("Task/r-1");
            assertThat(e.getDetail()).extracting(d -> d.getValueStringType().getValue())
                    .containsExactly("ReferralTimeline/r-1", "rest");
        });
        assertThat(audit.getAgent()).anySatisfy(a -> {
            assertThat(a.getRequestor()).isTrue();
            assertThat(a.getWho().getIdentifier().getValue()).isEqualTo("dr.okafor");
        });
        FhirValidation.assertValid(audit);
    }

    @Test
    void aSearchOfPatientDataIsAQueryCarryingTheQueryAndTheIdsItReturned() {
        AuditTrailExport.Entry search = access("access-42", "p-1", null, "patient=Patient/p-1&status=active",
                new AuditTrailExport.Access("E", "fhir", "ServiceRequest", null, List.of("r-1", "r-2"), true, null));

        AuditEvent audit = only(export.bundle(List.of(search), id -> List.of(), Instant.now()));

        assertThat(audit.getAction()).isEqualTo(AuditEvent.AuditEventAction.E);
        assertThat(audit.getSubtype()).extracting(c -> c.getCode()).containsExactly("search-type", "ReadAccess");
        assertThat(audit.getEntity()).anySatisfy(e -> {
            assertThat(e.getRole().getCode()).isEqualTo("24");
            assertThat(new String(e.getQuery(), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo("patient=Patient/p-1&status=active");
            assertThat(e.getDetail()).extracting(d -> d.getValueStringType().getValue())
                    .containsExactly("2", "r-1 r-2", "ServiceRequest", "fhir");
        });
        FhirValidation.assertValid(audit);
    }

    @Test
    void aRefusedReadIsAFailedReadWithThePolicysReasonAndNoPatient() {
        AuditTrailExport.Entry refused = access("access-43", null, null, null, new AuditTrailExport.Access("R",
                "fhir", "Task", "r-1/_history/2", List.of(), false, "lakeside-cardio takes no part in this referral"));

        AuditEvent audit = only(export.bundle(List.of(refused), id -> List.of(), Instant.now()));

        assertThat(audit.getAction()).isEqualTo(AuditEvent.AuditEventAction.R);
        assertThat(audit.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
        assertThat(audit.getOutcomeDesc()).isEqualTo("lakeside-cardio takes no part in this referral");
        assertThat(audit.getSubtype()).extracting(c -> c.getCode()).contains("vread");
        assertThat(audit.getEntity()).noneSatisfy(e -> assertThat(e.getWhat().getType()).isEqualTo("Patient"));
        assertThat(audit.getEntity()).anySatisfy(e ->
                assertThat(e.getWhat().getReference()).isEqualTo("Task/r-1/_history/2"));
        FhirValidation.assertValid(audit);
    }

    @Test
    void everyKindOfReadInTheAccessLogIsValidR4() {
        List<AuditTrailExport.Entry> reads = new ArrayList<>();
        int n = 0;
        for (String type : List.of("Referral", "ReferralTimeline", "ReferralParties", "PatientSummary", "Record",
                "RecordVersions", "RecordContent", "RecordDisclosures", "Appointment", "AppointmentHistory",
                "ServiceRequest", "Task", "Communication", "DocumentReference", "Consent", "Provenance",
                "AuditEvent")) {
            reads.add(access("access-" + n++, "p-1", null, null,
                    new AuditTrailExport.Access("R", "rest", type, "x-1", List.of(), true, null)));
            reads.add(access("access-" + n++, null, null, null,
                    new AuditTrailExport.Access("R", "fhir", type, "x-1/_history", List.of(), false, "not shared")));
            reads.add(access("access-" + n++, null, null, "q=Lee",
                    new AuditTrailExport.Access("E", "rest", type, null, List.of(), true, null)));
            reads.add(access("access-" + n++, null, null, "patient=p-9",
                    new AuditTrailExport.Access("E", "rest", type, null, List.of(), false, "no such patient")));
        }

        Bundle bundle = export.bundle(reads, id -> List.of(), Instant.now());

        assertThat(bundle.getEntry()).hasSize(reads.size());
        FhirValidation.assertValid(bundle);
        bundle.getEntry().forEach(e -> FhirValidation.assertValid(e.getResource()));
    }

    private static AuditTrailExport.Entry access(String id, String patientId, String mrn, String query,
                                                 AuditTrailExport.Access access) {
        return new AuditTrailExport.Entry(id, Instant.parse("2026-12-01T09:00:00Z"), "ReadAccess",
                "riverside-derm read " + access.resourceType(), access.resourceType(), access.resourceId(), null,
                patientId, "dr.okafor", "Dr Okafor", "riverside-derm", "careloop-web", "TREAT", "req-" + id, mrn,
                query, access);
    }

    private static AuditEvent only(Bundle bundle) {
        assertThat(bundle.getEntry()).hasSize(1);
        return (AuditEvent) bundle.getEntryFirstRep().getResource();
    }

    private static List<AuditTrailExport.Entry> entries(History history, String kind) {
        List<AuditTrailExport.Entry> entries = new ArrayList<>();
        for (DomainEventMessage<?> event : history.events()) {
            entries.add(new AuditTrailExport.Entry(event.getIdentifier(), event.getTimestamp(),
                    event.getPayloadType().getSimpleName(), event.getPayloadType().getSimpleName() + " happened",
                    kind, event.getAggregateIdentifier(), event.getSequenceNumber(), "p-1",
                    String.valueOf(event.getMetaData().get("userId")), null,
                    String.valueOf(event.getMetaData().get("organisation")), null, "TREAT", "req-1"));
        }
        return entries;
    }
}
