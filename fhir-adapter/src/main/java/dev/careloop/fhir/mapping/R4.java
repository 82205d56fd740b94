package dev.careloop.fhir.mapping;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import dev.careloop.api.Patient;
import dev.careloop.api.PurposeOfUse;
import dev.careloop.fhir.directory.FhirPeople;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

import java.time.Instant;
import java.util.Date;
import java.util.TimeZone;

/**
 * The small vocabulary every mapping shares: CareLoop's URIs, references and UTC times. Every literal reference
 * names its type too, so the validator checks it against the element's allowed targets.
 */
final class R4 {

    static final String BASE = "https://careloop.dev/fhir";
    /** Users (people and partner systems) by their CareLoop user id. */
    static final String USER_SYSTEM = BASE + "/sid/user";
    /** Client applications (the app or a partner EHR) by their OAuth2 client id. */
    static final String CLIENT_SYSTEM = BASE + "/sid/client";
    /** CareLoop itself, as a device: the observer of audits and the agent of timed changes. */
    static final String DEVICE_SYSTEM = BASE + "/sid/device";
    static final String CARELOOP_DEVICE = "careloop";
    /** Request ids (X-Request-Id, the correlation id of every event). */
    static final String REQUEST_SYSTEM = BASE + "/sid/request";
    /** The platform's pseudonymous patient id (Patient.patientId), where no identifier may be shown. */
    static final String PATIENT_ID_SYSTEM = BASE + "/sid/patient-id";
    /** Which CareLoop event made a change (the event's name, e.g. ReferralAccepted). */
    static final String EVENT_TYPE_SYSTEM = BASE + "/CodeSystem/event-type";
    static final String EXTENSION = BASE + "/StructureDefinition/";

    private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

    private R4() {
    }

    /** id, meta.versionId and meta.lastUpdated: the same for every resource a change emits. */
    static <R extends Resource> R stamp(R resource, String id, long version, Instant recorded) {
        resource.setId(id);
        resource.getMeta().setVersionId(Long.toString(version));
        resource.getMeta().setLastUpdatedElement(instant(recorded));
        return resource;
    }

    static Reference ref(String type, String id) {
        return new Reference(type + "/" + id).setType(type);
    }

    /** A version-specific reference, {@code Task/r-1/_history/3}. */
    static Reference versioned(Resource resource) {
        return new Reference(resource.fhirType() + "/" + resource.getIdElement().getIdPart() + "/_history/"
                + resource.getMeta().getVersionId()).setType(resource.fhirType());
    }

    static Reference organisation(String organisation) {
        return ref("Organization", organisation).setDisplay(organisation);
    }

    /**
     * The patient by its identifier and, where the platform id is known, as {@code Patient/{id}} (what /fhir
     * serves; a push carries the Patient along or keeps the identifier only).
     */
    static Reference patient(Patient patient) {
        Reference ref = new Reference().setType("Patient")
                .setIdentifier(new Identifier().setSystem(patient.identifierSystem()).setValue(patient.identifierValue()));
        if (patient.patientId() != null && !patient.patientId().isBlank()) {
            ref.setReference("Patient/" + patient.patientId());
        }
        return patient.name() == null ? ref : ref.setDisplay(patient.name());
    }

    /** A user of CareLoop by identifier; its resource type is not known (a person or a partner system). */
    static Reference user(String userId) {
        return new Reference().setIdentifier(new Identifier().setSystem(USER_SYSTEM).setValue(userId));
    }

    /**
     * A person who acted (a clinician, a coordinator, a compliance officer): {@code Practitioner/{id}} (what /fhir
     * serves), the issuer's subject as identifier and their name.
     */
    static Reference practitioner(String userId, String name) {
        return new Reference("Practitioner/" + FhirPeople.practitionerId(userId)).setType("Practitioner")
                .setIdentifier(new Identifier().setSystem(USER_SYSTEM).setValue(userId)).setDisplay(name);
    }

    static Reference client(String clientId) {
        return new Reference().setType("Device")
                .setIdentifier(new Identifier().setSystem(CLIENT_SYSTEM).setValue(clientId)).setDisplay(clientId);
    }

    static Reference careLoop() {
        return new Reference().setType("Device")
                .setIdentifier(new Identifier().setSystem(DEVICE_SYSTEM).setValue(CARELOOP_DEVICE))
                .setDisplay("CareLoop");
    }

    static Coding purposeOfUse(String code) {
        return new Coding(PurposeOfUse.SYSTEM, code, purposeDisplay(code));
    }

    static CodeableConcept text(String text) {
        return new CodeableConcept().setText(text);
    }

    /** UTC and milliseconds, so the same event gives the same JSON on every machine. */
    static InstantType instant(Instant instant) {
        InstantType type = new InstantType(Date.from(instant), TemporalPrecisionEnum.MILLI, UTC);
        type.setTimeZoneZulu(true);
        return type;
    }

    static DateTimeType dateTime(Instant instant) {
        DateTimeType type = new DateTimeType(Date.from(instant), TemporalPrecisionEnum.MILLI, UTC);
        type.setTimeZoneZulu(true);
        return type;
    }

    static Period period(Instant start, Instant end) {
        Period period = new Period();
        if (start != null) {
            period.setStartElement(dateTime(start));
        }
        if (end != null) {
            period.setEndElement(dateTime(end));
        }
        return period;
    }

    private static String purposeDisplay(String code) {
        return switch (code) {
            case PurposeOfUse.TREATMENT -> "treatment";
            case PurposeOfUse.COORDINATION -> "coordination of care";
            case PurposeOfUse.OPERATIONS -> "healthcare operations";
            case PurposeOfUse.COMPLIANCE -> "healthcare compliance";
            case PurposeOfUse.EMERGENCY -> "emergency treatment";
            default -> null;
        };
    }
}
