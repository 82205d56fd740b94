package dev.careloop.fhir.mapping;

import dev.careloop.api.privacy.PatientRekeyed;
import dev.careloop.api.Patient;
import dev.careloop.api.record.DocumentType;
import dev.careloop.api.record.RecordAccessExpired;
import dev.careloop.api.record.RecordAccessGranted;
import dev.careloop.api.record.RecordAccessRevoked;
import dev.careloop.api.record.RecordAmended;
import dev.careloop.api.record.RecordContent;
import dev.careloop.api.record.EmergencyAccessReviewed;
import dev.careloop.api.record.EmergencyAccessUsed;
import dev.careloop.api.record.RecordDisclosed;
import dev.careloop.api.record.RecordShared;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A shared record as FHIR: the document (DocumentReference) and the terms it is shared on (Consent), both with
 * the record's id. A disclosure changes neither: its change carries only its AuditEvent (see {@link #project}).
 */
final class SharedRecordMapping {

    static final String AGGREGATE_TYPE = "SharedRecord";
    /** Attachment extension: the content's SHA-256 (lowercase hex). Attachment.hash is SHA-1, so it stays empty. */
    static final String SHA256_EXTENSION = R4.EXTENSION + "attachment-sha256";
    static final String POLICY = R4.BASE + "/policy/record-sharing";
    static final String CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope";
    static final String LOINC = "http://loinc.org";
    static final String PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";

    private String recordId;
    private String referralId;
    private String author;
    private Patient patient;
    private DocumentType documentType;
    private String title;
    private String description;
    private Set<String> purposes = Set.of();
    private Instant validUntil;
    private Instant sharedAt;
    private boolean expired;
    /** Recipient organisation -> still allowed (false once revoked), in a stable order. */
    private final Map<String, Boolean> recipients = new TreeMap<>();
    private final List<DocumentVersion> documentVersions = new ArrayList<>();
    /** The aggregate version of the last change to the document or its consent (disclosures are not changes). */
    private long resourceVersion;

    /**
     * One version of the document, and the last DocumentReference version that showed the one before it
     * ({@code replaces}, 0 for the first).
     */
    record DocumentVersion(int number, RecordContent content, Instant at, long replaces) {
    }

    /**
     * Shares, amendments, revocations and expiry change the DocumentReference and the Consent, and every
     * organisation still allowed to read the record sees them; a revoked or expired recipient sees nothing new.
     * A disclosure is seen by the author and the organisation that read the content, never by the other
     * recipients: who read what is not theirs to know. So its change carries the AuditEvent alone, and the
     * DocumentReference and Consent keep their version (FHIR versions follow content changes, and no partner
     * is sent an update that changes nothing).
     */
    static FhirChange project(List<Step> history) {
        SharedRecordMapping record = new SharedRecordMapping();
        history.forEach(record::apply);
        return record.change(history.get(history.size() - 1));
    }

    private void apply(Step step) {
        Object event = step.event();
        if (event instanceof RecordShared e) {
            recordId = e.recordId();
            referralId = e.referralId();
            author = e.authorOrganisation();
            patient = e.patient();
            documentType = e.documentType();
            title = e.title();
            description = e.description();
            purposes = e.purposes();
            validUntil = e.validUntil();
            sharedAt = step.recorded();
            e.recipients().forEach(r -> recipients.put(r, true));
            documentVersions.add(new DocumentVersion(1, e.content(), step.recorded(), 0));
        } else if (event instanceof RecordAmended e) {
            title = e.title() == null ? title : e.title();
            description = e.description() == null ? description : e.description();
            documentVersions.add(new DocumentVersion(e.version(), e.content(), step.recorded(), resourceVersion));
        } else if (event instanceof RecordAccessRevoked e) {
            recipients.put(e.organisation(), false);
        } else if (event instanceof RecordAccessGranted e) {
            recipients.put(e.organisation(), true);
        } else if (event instanceof RecordAccessExpired) {
            expired = true;
        } else if (event instanceof PatientRekeyed e) {
            // From now on the resources name the patient by the keyed id (a new version, pushed like any change).
            patient = e.applyTo(patient);
        }
        if (!changesNothing(event)) {
            resourceVersion = step.version();
        }
    }

    /** Reads and their review: the DocumentReference and Consent stay as they are. */
    private static boolean changesNothing(Object event) {
        return event instanceof RecordDisclosed || event instanceof EmergencyAccessUsed
                || event instanceof EmergencyAccessReviewed;
    }

    private FhirChange change(Step last) {
        if (last.event() instanceof EmergencyAccessUsed used) {
            // The owner hears of it; the disclosure that follows carries the read itself (purpose ETREAT).
            return new FhirChange(AGGREGATE_TYPE, recordId, last.version(), last.recorded(), referralId,
                    patient.patientId(), Set.of(author),
                    List.of(AuditEvents.emergencyAccess(last, used, patient, documentReferenceOf(used.version()))));
        }
        if (last.event() instanceof EmergencyAccessReviewed reviewed) {
            return new FhirChange(AGGREGATE_TYPE, recordId, last.version(), last.recorded(), referralId,
                    patient.patientId(), Set.of(author),
                    List.of(AuditEvents.emergencyAccessReview(last, reviewed, patient,
                            "DocumentReference/" + recordId + "/_history/" + resourceVersion)));
        }
        if (last.event() instanceof RecordDisclosed disclosed) {
            // The author reading its own record is one organisation, not two.
            Set<String> organisations = new HashSet<>(List.of(author, disclosed.organisation()));
            return new FhirChange(AGGREGATE_TYPE, recordId, last.version(), last.recorded(), referralId,
                    patient.patientId(), Changes.sorted(organisations),
                    List.of(AuditEvents.disclosure(last, disclosed, patient, documentReferenceOf(disclosed.version()))));
        }
        DocumentReference document = documentReference(last);
        Consent consent = consent(last);
        List<Resource> changed = List.of(document, consent);
        List<Resource> resources = new ArrayList<>(changed);
        resources.add(Provenances.of(last, changed));
        List<String> organisations = new ArrayList<>(allowed());
        organisations.add(author);
        return new FhirChange(AGGREGATE_TYPE, recordId, last.version(), last.recorded(), referralId,
                patient.patientId(), Changes.sorted(organisations), List.copyOf(resources));
    }

    /** Recipients that may still read the record. */
    private List<String> allowed() {
        return expired ? List.of() : recipients.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
    }

    /** The last DocumentReference version that showed document version {@code number}: what a disclosure disclosed. */
    private String documentReferenceOf(int number) {
        long version = resourceVersion;
        for (int i = 0; i < documentVersions.size() - 1; i++) {
            if (documentVersions.get(i).number() == number) {
                version = documentVersions.get(i + 1).replaces();
            }
        }
        return "DocumentReference/" + recordId + "/_history/" + version;
    }

    private DocumentReference documentReference(Step last) {
        DocumentVersion current = documentVersions.get(documentVersions.size() - 1);
        DocumentReference document = last.stamp(new DocumentReference(), recordId);
        document.setStatus(Enumerations.DocumentReferenceStatus.CURRENT);
        document.setDocStatus(current.number() == 1
                ? DocumentReference.ReferredDocumentStatus.FINAL
                : DocumentReference.ReferredDocumentStatus.AMENDED);
        document.setType(new CodeableConcept(new Coding(DocumentType.SYSTEM, documentType.code(), documentType.display())));
        document.setSubject(R4.patient(patient));
        document.setDateElement(R4.instant(current.at()));
        document.addAuthor(R4.organisation(author));
        document.setCustodian(R4.organisation(author));
        if (current.replaces() > 0) {
            // The same resource before the amendment: its earlier versions stay readable with vread.
            document.addRelatesTo().setCode(DocumentReference.DocumentRelationshipType.REPLACES)
                    .setTarget(new Reference("DocumentReference/" + recordId + "/_history/" + current.replaces())
                            .setType("DocumentReference"));
        }
        document.setDescription(description);
        Attachment attachment = new Attachment()
                .setContentType(current.content().mediaType())
                .setUrl("/api/records/" + recordId + "/content?version=" + current.number())
                .setTitle(title)
                .setCreationElement(R4.dateTime(current.at()));
        if (current.content().size() <= Integer.MAX_VALUE) {
            attachment.setSize((int) current.content().size());
        }
        attachment.addExtension(SHA256_EXTENSION, new StringType(current.content().sha256()));
        document.addContent().setAttachment(attachment);
        if (referralId != null) {
            document.getContext().addRelated(R4.ref("ServiceRequest", referralId));
        }
        return document;
    }

    private Consent consent(Step last) {
        List<String> allowed = allowed();
        Consent consent = last.stamp(new Consent(), recordId);
        consent.setStatus(allowed.isEmpty() ? Consent.ConsentState.INACTIVE : Consent.ConsentState.ACTIVE);
        consent.setScope(new CodeableConcept(new Coding(CONSENT_SCOPE, "patient-privacy", "Privacy Consent")));
        consent.addCategory(new CodeableConcept(new Coding(LOINC, "59284-0", "Patient Consent")));
        consent.setPatient(R4.patient(patient));
        consent.setDateTimeElement(R4.dateTime(sharedAt));
        consent.addOrganization(R4.organisation(author));
        consent.addPolicy().setUri(POLICY);
        consent.setPolicyRule(R4.text("Shared by " + author + " with the named organisations, for the stated "
                + "purposes, until the end of the period; every read is audited"));
        Consent.ProvisionComponent provision = consent.getProvision();
        provision.setType(Consent.ConsentProvisionType.PERMIT);
        provision.setPeriod(R4.period(sharedAt, validUntil));
        allowed.forEach(organisation -> provision.addActor()
                .setRole(new CodeableConcept(new Coding(PARTICIPATION_TYPE, "IRCP", "information recipient")))
                .setReference(R4.organisation(organisation)));
        provision.addAction(new CodeableConcept(
                new Coding("http://terminology.hl7.org/CodeSystem/consentaction", "access", "Access")));
        for (String purpose : purposes) {
            provision.addPurpose(R4.purposeOfUse(purpose));
        }
        provision.addData().setMeaning(Consent.ConsentDataMeaning.INSTANCE)
                .setReference(R4.ref("DocumentReference", recordId));
        return consent;
    }
}
