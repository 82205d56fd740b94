package dev.careloop.fhir.mapping;

import dev.careloop.fhir.TestEvents;
import dev.careloop.fhir.TestEvents.History;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Provenance;
import org.junit.jupiter.api.Test;

import static dev.careloop.fhir.TestEvents.*;
import static dev.careloop.fhir.mapping.Resources.all;
import static dev.careloop.fhir.mapping.Resources.one;
import static org.assertj.core.api.Assertions.assertThat;

class SharedRecordMappingTest {

    private final R4ChangeProjector projector = new R4ChangeProjector();
    private final History record = Histories.longRecord();

    @Test
    void aSharedRecordIsItsDocumentAndTheConsentItIsSharedUnder() {
        FhirChange shared = projector.project(record.first(1));
        DocumentReference document = one(shared, DocumentReference.class);
        Consent consent = one(shared, Consent.class);

        assertThat(shared.organisations()).containsExactly(CARDIO, GP, DERM);
        assertThat(shared.referralId()).isEqualTo(REFERRAL);
        assertThat(shared.patientId()).isEqualTo(alex().patientId());
        assertThat(document.getIdElement().getIdPart()).isEqualTo(RECORD);
        assertThat(document.getType().getCodingFirstRep().getCode()).isEqualTo("11490-0");
        assertThat(document.getContext().getRelatedFirstRep().getReference()).isEqualTo("ServiceRequest/" + REFERRAL);
        assertThat(document.getContentFirstRep().getAttachment().getUrl()).isEqualTo("/api/records/rec-1/content?version=1");
        assertThat(consent.getStatus()).isEqualTo(Consent.ConsentState.ACTIVE);
        assertThat(consent.getProvision().getActor()).extracting(a -> a.getReference().getReference())
                .containsExactly("Organization/" + CARDIO, "Organization/" + DERM);
        assertThat(consent.getProvision().getPeriod().getEnd().toInstant()).isEqualTo(at(60 * 24 * 30));
        assertThat(consent.getProvision().getPurposeFirstRep().getCode()).isEqualTo("TREAT");
        assertThat(consent.getProvision().getDataFirstRep().getReference().getReference())
                .isEqualTo("DocumentReference/" + RECORD);
    }

    @Test
    void theAuthorReadingItsOwnRecordIsADisclosureSeenByTheAuthorAlone() {
        History ownRead = TestEvents.record(RECORD)
                .by(Histories.GP_USER, GP).then(recordShared(RECORD, REFERRAL, GP, java.util.Set.of(DERM)))
                .then(disclosed(RECORD, GP, 1, SHA_1));

        FhirChange read = projector.project(ownRead.events());

        assertThat(read.organisations()).containsExactly(GP);
        assertThat(one(read, AuditEvent.class).getIdElement().getIdPart()).isEqualTo(RECORD + "-2");
    }

    @Test
    void aRecordFollowsItsReferralsForwardTheConsentNamesTheNewRecipientAndTheFormerOneHearsNoMore() {
        History forwarded = Histories.forwardedRecord();

        FhirChange ended = projector.project(forwarded.first(2));
        assertThat(ended.organisations()).containsExactly(GP);
        assertThat(one(ended, Consent.class).getStatus()).isEqualTo(Consent.ConsentState.INACTIVE);

        FhirChange granted = projector.project(forwarded.first(3));
        Consent consent = one(granted, Consent.class);
        assertThat(granted.organisations()).containsExactly(CARDIO, GP);
        assertThat(consent.getStatus()).isEqualTo(Consent.ConsentState.ACTIVE);
        assertThat(consent.getProvision().getActor()).extracting(a -> a.getReference().getReference())
                .containsExactly("Organization/" + CARDIO);
        assertThat(one(granted, DocumentReference.class).getMeta().getVersionId()).isEqualTo("3");
    }

    @Test
    void theSha256IsAnExtensionNotFhirsSha1Hash() {
        DocumentReference document = one(projector.project(record.first(1)), DocumentReference.class);

        assertThat(document.getContentFirstRep().getAttachment().hasHash()).isFalse();
        assertThat(document.getContentFirstRep().getAttachment()
                .getExtensionByUrl("https://careloop.dev/fhir/StructureDefinition/attachment-sha256")
                .getValue().primitiveValue()).isEqualTo(SHA_1);
    }

    @Test
    void anAmendmentReplacesTheEarlierVersionOfTheSameDocument() {
        DocumentReference amended = one(projector.project(record.first(3)), DocumentReference.class);

        assertThat(amended.getDocStatus()).isEqualTo(DocumentReference.ReferredDocumentStatus.AMENDED);
        assertThat(amended.getRelatesToFirstRep().getCode()).isEqualTo(DocumentReference.DocumentRelationshipType.REPLACES);
        assertThat(amended.getRelatesToFirstRep().getTarget().getReference()).isEqualTo("DocumentReference/rec-1/_history/1");
        assertThat(amended.getContentFirstRep().getAttachment().getUrl()).endsWith("?version=2");
        assertThat(amended.getContentFirstRep().getAttachment().getTitle()).contains("corrected");
        assertThat(amended.getDescription()).isEqualTo("Admission for chest pain");
    }

    @Test
    void aDisclosureIsAnAuditEventSeenOnlyByTheAuthorAndTheReader() {
        FhirChange read = projector.project(record.first(4));

        assertThat(read.resources()).hasSize(1);
        AuditEvent audit = one(read, AuditEvent.class);
        assertThat(read.organisations()).containsExactly(CARDIO, GP);
        assertThat(audit.getIdElement().getIdPart()).isEqualTo(RECORD + "-4");
        assertThat(all(read, Provenance.class)).isEmpty();
        // Version 1 of the document was last shown by DocumentReference version 1 (the amendment made version 3).
        assertThat(audit.getEntity()).extracting(e -> e.getWhat().getReference())
                .contains("DocumentReference/rec-1/_history/1");
    }

    @Test
    void aRevokedRecipientSeesNothingNewAndLeavesTheConsent() {
        FhirChange revoked = projector.project(record.first(5));
        Consent consent = one(revoked, Consent.class);

        assertThat(revoked.organisations()).containsExactly(GP, DERM);
        assertThat(consent.getStatus()).isEqualTo(Consent.ConsentState.ACTIVE);
        assertThat(consent.getProvision().getActor()).extracting(a -> a.getReference().getReference())
                .containsExactly("Organization/" + DERM);
        assertThat(one(revoked, DocumentReference.class).getMeta().getVersionId()).isEqualTo("5");
    }

    @Test
    void whenThePeriodEndsTheConsentIsInactiveAndOnlyTheAuthorIsTold() {
        FhirChange expired = projector.project(record.events());
        Consent consent = one(expired, Consent.class);

        assertThat(expired.organisations()).containsExactly(GP);
        assertThat(consent.getStatus()).isEqualTo(Consent.ConsentState.INACTIVE);
        assertThat(consent.getProvision().getActor()).isEmpty();
        assertThat(one(expired, Provenance.class).getAgentFirstRep().getWho().getIdentifier().getValue())
                .isEqualTo("careloop");
    }
}
