package dev.careloop.fhir.facade;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.SimpleBundleProvider;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import dev.careloop.api.PatientIds;
import dev.careloop.api.access.AccessLog;
import dev.careloop.api.access.ReadAccess;
import dev.careloop.fhir.directory.FhirPatients;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code Patient/{platform patient id}}: the patient every referral, record and appointment names, as the caller's
 * organisation knows them ({@link FhirPatients}); read, and search by {@code identifier} ({@code system|value}) or
 * {@code _id}. A patient the organisation takes no part in is a 404 and never a hit. Every read and search is an
 * entry of the access log, as for the log's resources.
 */
public final class PatientProvider implements IResourceProvider {

    private final FhirPatients patients;
    private final PatientIds ids;
    private final AccessLog accessLog;

    PatientProvider(FhirPatients patients, PatientIds ids, AccessLog accessLog) {
        this.patients = patients;
        this.ids = ids;
        this.accessLog = accessLog;
    }

    @Override
    public Class<Patient> getResourceType() {
        return Patient.class;
    }

    @Read
    public Patient read(@IdParam IdType id, RequestDetails request) {
        FhirCaller caller = CallerCheck.caller(request);
        Patient found = patients.read(id.getIdPart(), caller.organisation()).orElse(null);
        if (found == null) {
            accessLog.record(ReadAccess.refused(caller.actor(), ReadAccess.FHIR, "Patient", id.getIdPart(),
                    "no such Patient, or " + caller.organisation() + " takes no part in anything about them"));
            throw new ResourceNotFoundException(id);
        }
        accessLog.record(ReadAccess.read(caller.actor(), ReadAccess.FHIR, "Patient", id.getIdPart(), id.getIdPart()));
        return found;
    }

    @Search
    public IBundleProvider search(@OptionalParam(name = Patient.SP_IDENTIFIER) TokenParam identifier,
                                  @OptionalParam(name = "_id") TokenParam logicalId, RequestDetails request) {
        FhirCaller caller = CallerCheck.caller(request);
        if (identifier == null && logicalId == null) {
            // Listing every patient an organisation ever saw is no clinical question; naming one is.
            throw new InvalidRequestException("search Patient by identifier (system|value) or _id");
        }
        String byIdentifier = null;
        if (identifier != null) {
            if (identifier.getSystem() == null || identifier.getSystem().isBlank() || identifier.getValue() == null
                    || identifier.getValue().isBlank()) {
                throw new InvalidRequestException("identifier must be system|value");
            }
            byIdentifier = ids.idFor(identifier.getSystem(), identifier.getValue());
        }
        String byId = logicalId == null ? null : logicalId.getValue();
        // Both given: the one patient both name, or nobody.
        String patientId = byIdentifier == null ? byId
                : byId == null || byId.equals(byIdentifier) ? byIdentifier : null;
        List<IBaseResource> found = new ArrayList<>();
        if (patientId != null) {
            patients.read(patientId, caller.organisation()).ifPresent(found::add);
        }
        String query = (identifier == null ? "" : "identifier=" + identifier.getSystem() + "|" + identifier.getValue())
                + (identifier != null && logicalId != null ? "&" : "")
                + (logicalId == null ? "" : "_id=" + logicalId.getValue());
        accessLog.record(ReadAccess.search(caller.actor(), ReadAccess.FHIR, "Patient", query,
                found.stream().map(r -> r.getIdElement().getIdPart()).toList(), found.isEmpty() ? null : patientId));
        return new SimpleBundleProvider(found);
    }
}
