package dev.careloop.fhir.facade;

import ca.uhn.fhir.rest.annotation.Count;
import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Offset;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Transaction;
import ca.uhn.fhir.rest.annotation.TransactionParam;
import ca.uhn.fhir.rest.annotation.Update;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import dev.careloop.api.PatientIds;
import dev.careloop.api.access.AccessLog;
import dev.careloop.fhir.inbound.InboundReferrals;
import dev.careloop.fhir.inbound.TaskUpdates;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;

import java.util.List;

/**
 * The facade's resource types. Each searches by the parameters R4 defines for it that CareLoop can answer:
 * patient (the patient's identifier, {@code system|value}), status, _lastUpdated, and for the referral's two
 * resources who asked (requester) and who is to do it (Task owner, ServiceRequest performer).
 */
final class FacadeProviders {

    private static final String PATIENT = "patient";
    private static final String STATUS = "status";
    private static final String LAST_UPDATED = "_lastUpdated";

    private FacadeProviders() {
    }

    static List<LogResourceProvider<?>> all(FhirLog log, ResourceIndex index, PatientIds ids, AccessLog accessLog,
                                            InboundReferrals referrals, TaskUpdates updates) {
        return List.of(new Tasks(log, index, ids, accessLog, referrals, updates), new ServiceRequests(log, index, ids, accessLog),
                new Communications(log, index, ids, accessLog), new Appointments(log, index, ids, accessLog),
                new DocumentReferences(log, index, ids, accessLog), new Consents(log, index, ids, accessLog),
                new Provenances(log, index, ids, accessLog), new AuditEvents(log, index, ids, accessLog));
    }

    public static final class Tasks extends LogResourceProvider<Task> {
        private final InboundReferrals referrals;
        private final TaskUpdates updates;

        Tasks(FhirLog log, ResourceIndex index, PatientIds ids, AccessLog accessLog, InboundReferrals referrals,
              TaskUpdates updates) {
            super(Task.class, log, index, ids, accessLog);
            this.referrals = referrals;
            this.updates = updates;
        }

        @Search
        public IBundleProvider search(@OptionalParam(name = PATIENT) TokenParam patient,
                                      @OptionalParam(name = STATUS) TokenParam status,
                                      @OptionalParam(name = Task.SP_OWNER) ReferenceParam owner,
                                      @OptionalParam(name = Task.SP_REQUESTER) ReferenceParam requester,
                                      @OptionalParam(name = LAST_UPDATED) DateRangeParam lastUpdated,
                                      @Count Integer count, @Offset Integer offset, RequestDetails request) {
            return search(request, patient, status, owner, requester, lastUpdated, count, offset);
        }

        /** A new referral: the Task with its ServiceRequest contained (focus "#id"). */
        @Create
        public MethodOutcome create(@ResourceParam Task task, RequestDetails request) {
            return referrals.createTask(task, CallerCheck.caller(request));
        }

        /** A step of the referral: accept, decline, complete... (see {@link TaskUpdates}). */
        @Update
        public MethodOutcome update(@IdParam IdType id, @ResourceParam Task task, RequestDetails request) {
            Task updated = updates.update(id, task, request.getHeader("If-Match"), CallerCheck.caller(request));
            return new MethodOutcome(updated.getIdElement().withResourceType("Task")
                    .withVersion(updated.getMeta().getVersionId()), false).setResource(updated);
        }
    }

    public static final class ServiceRequests extends LogResourceProvider<ServiceRequest> {
        ServiceRequests(FhirLog log, ResourceIndex index, PatientIds ids, AccessLog accessLog) {
            super(ServiceRequest.class, log, index, ids, accessLog);
        }

        @Search
        public IBundleProvider search(@OptionalParam(name = PATIENT) TokenParam patient,
                                      @OptionalParam(name = STATUS) TokenParam status,
                                      @OptionalParam(name = ServiceRequest.SP_PERFORMER) ReferenceParam performer,
                                      @OptionalParam(name = ServiceRequest.SP_REQUESTER) ReferenceParam requester,
                                      @OptionalParam(name = LAST_UPDATED) DateRangeParam lastUpdated,
                                      @Count Integer count, @Offset Integer offset, RequestDetails request) {
            return search(request, patient, status, performer, requester, lastUpdated, count, offset);
        }
    }

    /** Types searched by patient, status and _lastUpdated only. */
    abstract static class ByPatientAndStatus<T extends Resource> extends LogResourceProvider<T> {
        ByPatientAndStatus(Class<T> type, FhirLog log, ResourceIndex index, PatientIds ids, AccessLog accessLog) {
            super(type, log, index, ids, accessLog);
        }

        @Search
        public IBundleProvider search(@OptionalParam(name = PATIENT) TokenParam patient,
                                      @OptionalParam(name = STATUS) TokenParam status,
                                      @OptionalParam(name = LAST_UPDATED) DateRangeParam lastUpdated,
                                      @Count Integer count, @Offset Integer offset, RequestDetails request) {
            return search(request, patient, status, null, null, lastUpdated, count, offset);
        }
    }

    /** Types searched by patient and _lastUpdated only. */
    abstract static class ByPatient<T extends Resource> extends LogResourceProvider<T> {
        ByPatient(Class<T> type, FhirLog log, ResourceIndex index, PatientIds ids, AccessLog accessLog) {
            super(type, log, index, ids, accessLog);
        }

        @Search
        public IBundleProvider search(@OptionalParam(name = PATIENT) TokenParam patient,
                                      @OptionalParam(name = LAST_UPDATED) DateRangeParam lastUpdated,
                                      @Count Integer count, @Offset Integer offset, RequestDetails request) {
            return search(request, patient, null, null, null, lastUpdated, count, offset);
        }
    }

    public static final class Communications extends ByPatientAndStatus<Communication> {
        Communications(FhirLog log, ResourceIndex index, PatientIds ids, AccessLog accessLog) {
            super(Communication.class, log, index, ids, accessLog);
        }
    }

    public static final class Appointments extends ByPatientAndStatus<Appointment> {
        Appointments(FhirLog log, ResourceIndex index, PatientIds ids, AccessLog accessLog) {
            super(Appointment.class, log, index, ids, accessLog);
        }
    }

    public static final class DocumentReferences extends ByPatientAndStatus<DocumentReference> {
        DocumentReferences(FhirLog log, ResourceIndex index, PatientIds ids, AccessLog accessLog) {
            super(DocumentReference.class, log, index, ids, accessLog);
        }
    }

    public static final class Consents extends ByPatientAndStatus<Consent> {
        Consents(FhirLog log, ResourceIndex index, PatientIds ids, AccessLog accessLog) {
            super(Consent.class, log, index, ids, accessLog);
        }
    }

    public static final class Provenances extends ByPatient<Provenance> {
        Provenances(FhirLog log, ResourceIndex index, PatientIds ids, AccessLog accessLog) {
            super(Provenance.class, log, index, ids, accessLog);
        }
    }

    public static final class AuditEvents extends ByPatient<AuditEvent> {
        AuditEvents(FhirLog log, ResourceIndex index, PatientIds ids, AccessLog accessLog) {
            super(AuditEvent.class, log, index, ids, accessLog);
        }
    }

    /** POST /fhir: a new referral as a transaction Bundle. */
    public static final class Transactions {
        private final InboundReferrals referrals;

        Transactions(InboundReferrals referrals) {
            this.referrals = referrals;
        }

        @Transaction
        public Bundle transaction(@TransactionParam Bundle bundle, RequestDetails request) {
            return referrals.transaction(bundle, CallerCheck.caller(request));
        }
    }
}
