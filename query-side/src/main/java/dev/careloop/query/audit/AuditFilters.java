package dev.careloop.query.audit;

import dev.careloop.query.QueryParameters;
import dev.careloop.query.patient.PatientLookup;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The filters of the audit trail, read the same way for the search, the accounting of disclosures and the export:
 * dates as a day or an instant, the patient by any name a person gives them (platform id, MRN).
 */
@Component
public class AuditFilters {

    /**
     * The filters as asked, every one optional. {@code includeOversight}: {@code true} or {@code false}; unset, the
     * compliance officers' own lookups are left out of a patient's history and kept everywhere else
     * ({@link #filter}).
     */
    public record Asked(String patient, String user, String organisation, String referral, String record,
                        String appointment, String type, String client, String purpose, String request, String from,
                        String to, String includeOversight) {

        public Asked(String patient, String user, String organisation, String referral, String record,
                     String appointment, String type, String client, String purpose, String request, String from,
                     String to) {
            this(patient, user, organisation, referral, record, appointment, type, client, purpose, request, from,
                    to, null);
        }

        /**
         * What was asked, for the AuditTrailRead that records this read. The patient by the platform id {@code
         * patientId} the filter resolved, never by the MRN it may have been given as: the log keeps no identity in
         * the clear (an erased patient's MRN would outlive the erasure there).
         */
        public Map<String, Object> query(String patientId) {
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("patient", patientId);
            if (patientId != null && !patientId.equals(patient.trim())) {
                query.put("patientNamedBy", "identifier");
            }
            query.put("user", user);
            query.put("organisation", organisation);
            query.put("referral", referral);
            query.put("record", record);
            query.put("appointment", appointment);
            query.put("type", type);
            query.put("client", client);
            query.put("purpose", purpose);
            query.put("request", request);
            query.put("from", from);
            query.put("to", to);
            query.put("includeOversight", includeOversight);
            return query;
        }
    }

    private final AuditReadModel readModel;
    private final PatientLookup patients;

    AuditFilters(AuditReadModel readModel, PatientLookup patients) {
        this.readModel = readModel;
        this.patients = patients;
    }

    /**
     * The filter {@code asked} means for {@code officer}: a 400 naming every malformed parameter, then a 404 naming
     * {@code patient} when it names no patient in the officer's part of the trail. The officers' own lookups (reads of
     * the trail, {@code AuditTrailRead}, and reads of patient data for purpose HCOMPL by a compliance officer) are
     * oversight: a patient's history leaves them out unless {@code includeOversight=true} or {@code type} names
     * {@code AuditTrailRead}; any other search keeps them unless {@code includeOversight=false}.
     */
    public AuditReadModel.Filter filter(ComplianceScope.Officer officer, Asked asked) {
        QueryParameters p = new QueryParameters();
        Instant from = p.instant("from", asked.from(), false);
        Instant to = p.instant("to", asked.to(), true);
        if (from != null && to != null && !from.isBefore(to)) {
            p.error("to", "must be after from");
        }
        String oversight = blank(asked.includeOversight()) ? null : asked.includeOversight().strip();
        if (oversight != null && !oversight.equals("true") && !oversight.equals("false")) {
            p.error("includeOversight", "must be true or false");
        }
        p.failIfAny();
        List<String> types = asked.type() == null ? null : Arrays.stream(asked.type().split(",")).map(String::trim)
                .filter(t -> !t.isEmpty()).toList();
        String patientId = blank(asked.patient()) ? null : patients.resolve("patient", asked.patient(),
                officer.organisation(), id -> readModel.knows(officer, id));
        boolean includeOversight = oversight != null ? oversight.equals("true")
                : patientId == null || (types != null && types.contains(AuditReadModel.OVERSIGHT_EVENT));
        return new AuditReadModel.Filter(patientId, asked.user(), asked.organisation(), asked.referral(),
                asked.record(), asked.appointment(), types, asked.client(), asked.purpose(), asked.request(), from,
                to, includeOversight);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
