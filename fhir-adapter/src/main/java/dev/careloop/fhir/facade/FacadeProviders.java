package dev.careloop.fhir.facade;

import ca.uhn.fhir.rest.annotation.Count;
import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.IncludeParam;
import ca.uhn.fhir.rest.annotation.Sort;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import dev.careloop.fhir.delivery.ReferencedResources;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import java.util.Set;
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
import dev.careloop.fhir.inbound.PartnerSteps;
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
 * The facade's resource types. Each searches by the parameters R4 defines for it that CareLoop can answer, and
 * HAPI's CapabilityStatement lists exactly these: {@code _id}, {@code _lastUpdated}, {@code patient} (and
 * {@code subject}; {@code Patient/{id}}, or {@code patient:identifier=system|value}), {@code status} (any of several
 * values), for the referral's resources {@code identifier}, who asked ({@code requester}) and who is to do it (Task
 * {@code owner}, ServiceRequest {@code performer}), Task {@code focus}; {@code _sort}, {@code _include} and
 * {@code _revinclude} as each method allows.
 */
final class FacadeProviders {

    private static final String PATIENT = "patient";
    private static final String SUBJECT = "subject";
    private static final String STATUS = "status";
    private static final String LAST_UPDATED = "_lastUpdated";
    private static final String ID = "_id";
    private static final String IDENTIFIER = "identifier";
    private static final String NOT_CHAINED = OptionalParam.ALLOW_CHAIN_NOTCHAINED;
    private static final String BY_IDENTIFIER = "identifier";

    private FacadeProviders() {
    }

    static List<LogResourceProvider<?>> all(FhirLog log, ResourceIndex index, PatientIds ids, AccessLog accessLog,
                                            ReferencedResources referenced, InboundReferrals referrals,
                                            TaskUpdates updates, PartnerSteps steps) {
        return List.of(new Tasks(log, index, ids, accessLog, referenced, referrals, updates),
                new ServiceRequests(log, index, ids, accessLog, referenced),
                new Communications(log, index, ids, accessLog, referenced, steps),
                new Appointments(log, index, ids, accessLog, referenced, steps),
                new DocumentReferences(log, index, ids, accessLog, referenced),
                new Consents(log, index, ids, accessLog, referenced),
                new Provenances(log, index, ids, accessLog, referenced),
                new AuditEvents(log, index, ids, accessLog, referenced));
    }

    public static final class Tasks extends LogResourceProvider<Task> {
        private final InboundReferrals referrals;
        private final TaskUpdates updates;

        Tasks(FhirLog log, ResourceIndex index, PatientIds ids, AccessLog accessLog, ReferencedResources referenced,
              InboundReferrals referrals, TaskUpdates updates) {
            super(Task.class, log, index, ids, accessLog, referenced);
            this.referrals = referrals;
            this.updates = updates;
        }

        @Search
        public IBundleProvider search(
                @OptionalParam(name = PATIENT, targetTypes = Patient.class, chainWhitelist = {NOT_CHAINED, BY_IDENTIFIER})
                ReferenceParam patient,
                @OptionalParam(name = SUBJECT, targetTypes = Patient.class, chainWhitelist = {NOT_CHAINED, BY_IDENTIFIER})
                ReferenceParam subject,
                @OptionalParam(name = STATUS) TokenOrListParam status,
                @OptionalParam(name = Task.SP_OWNER, targetTypes = Organization.class) ReferenceParam owner,
                @OptionalParam(name = Task.SP_REQUESTER, targetTypes = Organization.class) ReferenceParam requester,
                @OptionalParam(name = Task.SP_FOCUS, targetTypes = ServiceRequest.class) ReferenceParam focus,
                @OptionalParam(name = IDENTIFIER) TokenParam identifier,
                @OptionalParam(name = ID) TokenOrListParam ids,
                @OptionalParam(name = LAST_UPDATED) DateRangeParam lastUpdated,
                @Sort SortSpec sort,
                @IncludeParam(allow = {"Task:focus", "Task:patient", "Task:subject", "Task:owner", "Task:requester"})
                Set<Include> includes,
                @IncludeParam(reverse = true, allow = {"Provenance:target"}) Set<Include> revIncludes,
                @Count Integer count, @Offset Integer offset, RequestDetails request) {
            return search(request, Criteria.of(patient, subject, status, lastUpdated, ids)
                    .with(owner, requester, identifier, focus), count, offset, sort, includes, revIncludes);
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
        ServiceRequests(FhirLog log, ResourceIndex index, PatientIds ids, AccessLog accessLog,
                        ReferencedResources referenced) {
            super(ServiceRequest.class, log, index, ids, accessLog, referenced);
        }

        @Search
        public IBundleProvider search(
                @OptionalParam(name = PATIENT, targetTypes = Patient.class, chainWhitelist = {NOT_CHAINED, BY_IDENTIFIER})
                ReferenceParam patient,
                @OptionalParam(name = SUBJECT, targetTypes = Patient.class, chainWhitelist = {NOT_CHAINED, BY_IDENTIFIER})
                ReferenceParam subject,
                @OptionalParam(name = STATUS) TokenOrListParam status,
                @OptionalParam(name = ServiceRequest.SP_PERFORMER, targetTypes = Organization.class)
                ReferenceParam performer,
                @OptionalParam(name = ServiceRequest.SP_REQUESTER, targetTypes = Organization.class)
                ReferenceParam requester,
                @OptionalParam(name = IDENTIFIER) TokenParam identifier,
                @OptionalParam(name = ID) TokenOrListParam ids,
                @OptionalParam(name = LAST_UPDATED) DateRangeParam lastUpdated,
                @Sort SortSpec sort,
                @IncludeParam(allow = {"ServiceRequest:patient", "ServiceRequest:subject", "ServiceRequest:performer",
                        "ServiceRequest:requester"}) Set<Include> includes,
                @IncludeParam(reverse = true, allow = {"Task:focus", "Provenance:target"}) Set<Include> revIncludes,
                @Count Integer count, @Offset Integer offset, RequestDetails request) {
            return search(request, Criteria.of(patient, subject, status, lastUpdated, ids)
                    .with(performer, requester, identifier, null), count, offset, sort, includes, revIncludes);
        }
    }

    /** Types searched by patient, _id and _lastUpdated only. */
    abstract static class ByPatient<T extends Resource> extends LogResourceProvider<T> {
        ByPatient(Class<T> type, FhirLog log, ResourceIndex index, PatientIds ids, AccessLog accessLog,
                  ReferencedResources referenced) {
            super(type, log, index, ids, accessLog, referenced);
        }

        @Search
        public IBundleProvider search(
                @OptionalParam(name = PATIENT, targetTypes = Patient.class, chainWhitelist = {NOT_CHAINED, BY_IDENTIFIER})
                ReferenceParam patient,
                @OptionalParam(name = ID) TokenOrListParam ids,
                @OptionalParam(name = LAST_UPDATED) DateRangeParam lastUpdated,
                @Sort SortSpec sort,
                @Count Integer count, @Offset Integer offset, RequestDetails request) {
            return search(request, Criteria.of(patient, null, null, lastUpdated, ids), count, offset, sort,
                    Set.of(), Set.of());
        }
    }

    public static final class Communications extends LogResourceProvider<Communication> {
        private final PartnerSteps steps;

        Communications(FhirLog log, ResourceIndex index, PatientIds ids, AccessLog accessLog,
                ReferencedResources referenced, PartnerSteps steps) {
            super(Communication.class, log, index, ids, accessLog, referenced);
            this.steps = steps;
        }

        /** The initiator's answer to the question, or the recipient's interim note (see {@link PartnerSteps}). */
        @Create
        public MethodOutcome create(@ResourceParam Communication communication, RequestDetails request) {
            return steps.communicate(communication, CallerCheck.caller(request));
        }

        @Search
        public IBundleProvider search(
                @OptionalParam(name = PATIENT, targetTypes = Patient.class, chainWhitelist = {NOT_CHAINED, BY_IDENTIFIER})
                ReferenceParam patient,
                @OptionalParam(name = SUBJECT, targetTypes = Patient.class, chainWhitelist = {NOT_CHAINED, BY_IDENTIFIER})
                ReferenceParam subject,
                @OptionalParam(name = STATUS) TokenOrListParam status,
                @OptionalParam(name = ID) TokenOrListParam ids,
                @OptionalParam(name = LAST_UPDATED) DateRangeParam lastUpdated,
                @Sort SortSpec sort,
                @IncludeParam(allow = {"Communication:patient", "Communication:subject"}) Set<Include> includes,
                @IncludeParam(reverse = true, allow = {"Provenance:target"}) Set<Include> revIncludes,
                @Count Integer count, @Offset Integer offset, RequestDetails request) {
            return search(request, Criteria.of(patient, subject, status, lastUpdated, ids), count, offset, sort,
                    includes, revIncludes);
        }
    }

    public static final class Appointments extends LogResourceProvider<Appointment> {
        private final PartnerSteps steps;

        Appointments(FhirLog log, ResourceIndex index, PatientIds ids, AccessLog accessLog,
                ReferencedResources referenced, PartnerSteps steps) {
            super(Appointment.class, log, index, ids, accessLog, referenced);
            this.steps = steps;
        }

        /** The recipient books the referral's visit (see {@link PartnerSteps}). */
        @Create
        public MethodOutcome create(@ResourceParam Appointment appointment, RequestDetails request) {
            return steps.book(appointment, CallerCheck.caller(request));
        }

        /** The visit rescheduled, cancelled or missed (see {@link PartnerSteps}). */
        @Update
        public MethodOutcome update(@IdParam IdType id, @ResourceParam Appointment appointment,
                                    RequestDetails request) {
            Appointment updated = steps.update(id, appointment, request.getHeader("If-Match"),
                    CallerCheck.caller(request));
            return new MethodOutcome(updated.getIdElement().withResourceType("Appointment")
                    .withVersion(updated.getMeta().getVersionId()), false).setResource(updated);
        }

        @Search
        public IBundleProvider search(
                @OptionalParam(name = PATIENT, targetTypes = Patient.class, chainWhitelist = {NOT_CHAINED, BY_IDENTIFIER})
                ReferenceParam patient,
                @OptionalParam(name = STATUS) TokenOrListParam status,
                @OptionalParam(name = ID) TokenOrListParam ids,
                @OptionalParam(name = LAST_UPDATED) DateRangeParam lastUpdated,
                @Sort SortSpec sort,
                @IncludeParam(allow = {"Appointment:patient"}) Set<Include> includes,
                @IncludeParam(reverse = true, allow = {"Provenance:target"}) Set<Include> revIncludes,
                @Count Integer count, @Offset Integer offset, RequestDetails request) {
            return search(request, Criteria.of(patient, null, status, lastUpdated, ids), count, offset, sort,
                    includes, revIncludes);
        }
    }

    public static final class DocumentReferences extends LogResourceProvider<DocumentReference> {
        DocumentReferences(FhirLog log, ResourceIndex index, PatientIds ids, AccessLog accessLog,
                ReferencedResources referenced) {
            super(DocumentReference.class, log, index, ids, accessLog, referenced);
        }

        @Search
        public IBundleProvider search(
                @OptionalParam(name = PATIENT, targetTypes = Patient.class, chainWhitelist = {NOT_CHAINED, BY_IDENTIFIER})
                ReferenceParam patient,
                @OptionalParam(name = SUBJECT, targetTypes = Patient.class, chainWhitelist = {NOT_CHAINED, BY_IDENTIFIER})
                ReferenceParam subject,
                @OptionalParam(name = STATUS) TokenOrListParam status,
                @OptionalParam(name = ID) TokenOrListParam ids,
                @OptionalParam(name = LAST_UPDATED) DateRangeParam lastUpdated,
                @Sort SortSpec sort,
                @IncludeParam(allow = {"DocumentReference:patient", "DocumentReference:subject"}) Set<Include> includes,
                @IncludeParam(reverse = true, allow = {"Provenance:target"}) Set<Include> revIncludes,
                @Count Integer count, @Offset Integer offset, RequestDetails request) {
            return search(request, Criteria.of(patient, subject, status, lastUpdated, ids), count, offset, sort,
                    includes, revIncludes);
        }
    }

    public static final class Consents extends LogResourceProvider<Consent> {
        Consents(FhirLog log, ResourceIndex index, PatientIds ids, AccessLog accessLog,
                ReferencedResources referenced) {
            super(Consent.class, log, index, ids, accessLog, referenced);
        }

        @Search
        public IBundleProvider search(
                @OptionalParam(name = PATIENT, targetTypes = Patient.class, chainWhitelist = {NOT_CHAINED, BY_IDENTIFIER})
                ReferenceParam patient,
                @OptionalParam(name = STATUS) TokenOrListParam status,
                @OptionalParam(name = ID) TokenOrListParam ids,
                @OptionalParam(name = LAST_UPDATED) DateRangeParam lastUpdated,
                @Sort SortSpec sort,
                @IncludeParam(allow = {"Consent:patient"}) Set<Include> includes,
                @IncludeParam(reverse = true, allow = {"Provenance:target"}) Set<Include> revIncludes,
                @Count Integer count, @Offset Integer offset, RequestDetails request) {
            return search(request, Criteria.of(patient, null, status, lastUpdated, ids), count, offset, sort,
                    includes, revIncludes);
        }
    }

    public static final class Provenances extends ByPatient<Provenance> {
        Provenances(FhirLog log, ResourceIndex index, PatientIds ids, AccessLog accessLog,
                    ReferencedResources referenced) {
            super(Provenance.class, log, index, ids, accessLog, referenced);
        }
    }

    public static final class AuditEvents extends ByPatient<AuditEvent> {
        AuditEvents(FhirLog log, ResourceIndex index, PatientIds ids, AccessLog accessLog,
                    ReferencedResources referenced) {
            super(AuditEvent.class, log, index, ids, accessLog, referenced);
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
