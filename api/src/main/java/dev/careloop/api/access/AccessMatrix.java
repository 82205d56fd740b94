package dev.careloop.api.access;

import dev.careloop.api.Actor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static dev.careloop.api.access.SmartScope.read;
import static dev.careloop.api.access.SmartScope.write;

/**
 * Least privilege as one table: which roles and which SMART system scopes may call each route of {@code /api} and
 * each interaction of {@code /fhir}. A route that is not in the table is refused. The application applies the
 * {@code /api} rows with Spring Security before any controller runs; the FHIR facade asks {@link #fhir} for the
 * type and interaction of every request and Bundle entry. docs/ACCESS.md shows the same table.
 *
 * <p>This decides the route only: whether the caller's organisation takes part in the referral or record it names,
 * and for which purpose, is decided per resource afterwards (a foreign referral is still a 404).
 *
 * <p>Policy: clinic staff (clinician, coordinator) do the clinical work; a compliance officer reads the audit trail
 * and what it names (as-of views, exports, the accounting of disclosures, log verification), never live clinical
 * views or documents; administrators run the platform (partners, rebuilds, erasure, dead letters, checkpoints) and
 * read nothing clinical; a partner system needs the read scope of the resource for a read and its write scope for a
 * write (records: DocumentReference, referrals: ServiceRequest or Task, appointments: Appointment). Only clinic
 * staff upload, share, amend or revoke records.
 */
public final class AccessMatrix {

    public static final String GET = "GET";
    public static final String POST = "POST";
    public static final String PUT = "PUT";
    public static final String DELETE = "DELETE";
    /** The methods that write a FHIR resource: create (POST, also a transaction's entries) and update (PUT). */
    public static final String FHIR_WRITE = "POST|PUT";

    private static final Set<String> STAFF = Set.of(Actor.CLINICIAN, Actor.COORDINATOR);
    private static final Set<String> STAFF_AND_COMPLIANCE = Set.of(Actor.CLINICIAN, Actor.COORDINATOR,
            Actor.COMPLIANCE);
    private static final Set<String> COMPLIANCE = Set.of(Actor.COMPLIANCE);
    private static final Set<String> COMPLIANCE_AND_ADMIN = Set.of(Actor.COMPLIANCE, Actor.ADMIN);
    private static final Set<String> ADMIN = Set.of(Actor.ADMIN);
    /** Clinic staff, and administrators (the platform's own see the network: PartnershipController). */
    private static final Set<String> STAFF_AND_ADMIN = Set.of(Actor.CLINICIAN, Actor.COORDINATOR, Actor.ADMIN);
    private static final Set<String> NO_ROLE = Set.of();
    private static final Set<String> EVERY_ROLE = Set.of(Actor.CLINICIAN, Actor.COORDINATOR, Actor.COMPLIANCE,
            Actor.ADMIN);

    private static final String SR = "ServiceRequest";
    private static final String TASK = "Task";
    private static final String DOC = "DocumentReference";
    private static final String APPT = "Appointment";

    /** Any one of the scopes a partner system holds for its work lets it read the directory. */
    private static final SmartScope[] DIRECTORY_SCOPES = {read("ServiceRequest"), write("ServiceRequest"),
            read("Task"), write("Task"), read("Appointment"), write("Appointment"), read("DocumentReference")};

    /** Every {@code /api} route, and the few open ones, exactly as the controllers map them. */
    public static final List<Route> ROUTES = List.of(
            // Referrals: clinical work; a partner with the ServiceRequest / Task scopes acts for its clinic.
            route(GET, "/api/referrals", STAFF, read(SR), read(TASK)),
            route(GET, "/api/referrals/counts", STAFF, read(SR), read(TASK)),
            route(GET, "/api/referrals/{id}", STAFF, read(SR), read(TASK)),
            route(GET, "/api/referrals/{id}/timeline", STAFF, read(SR), read(TASK)),
            route(GET, "/api/referrals/{id}/parties", STAFF, read(SR), read(TASK)),
            route(POST, "/api/referrals", STAFF, write(SR)),
            route(POST, "/api/referrals/{id}/accept", STAFF, write(TASK)),
            route(POST, "/api/referrals/{id}/decline", STAFF, write(TASK)),
            route(POST, "/api/referrals/{id}/forward", STAFF, write(TASK)),
            route(POST, "/api/referrals/{id}/request-information", STAFF, write(TASK)),
            route(POST, "/api/referrals/{id}/provide-information", STAFF, write(TASK)),
            route(POST, "/api/referrals/{id}/schedule", STAFF, write(TASK)),
            route(POST, "/api/referrals/{id}/reschedule", STAFF, write(TASK)),
            route(POST, "/api/referrals/{id}/no-show", STAFF, write(TASK)),
            route(POST, "/api/referrals/{id}/cancel-appointment", STAFF, write(TASK)),
            route(POST, "/api/referrals/{id}/interim-note", STAFF, write(TASK)),
            route(POST, "/api/referrals/{id}/request-cancellation", STAFF, write(TASK)),
            route(POST, "/api/referrals/{id}/confirm-cancellation", STAFF, write(TASK)),
            route(POST, "/api/referrals/{id}/outcome", STAFF, write(TASK)),
            route(POST, "/api/referrals/{id}/acknowledge-outcome", STAFF, write(TASK)),
            route(POST, "/api/referrals/{id}/refer-back", STAFF, write(TASK)),
            // Who works on it at the receiving organisation: its clinicians and coordinators (the aggregate checks
            // the organisation).
            route(POST, "/api/referrals/{id}/assignment", STAFF, write(TASK)),
            route(DELETE, "/api/referrals/{id}/assignment", STAFF, write(TASK)),
            // Notifications: a person's own, about their organisation's referrals; clinic staff (partners have none).
            route(GET, "/api/notifications", STAFF),
            route(GET, "/api/notifications/count", STAFF),
            route(GET, "/api/notifications/stream", STAFF),
            route(POST, "/api/notifications/read-all", STAFF),
            route(POST, "/api/notifications/{id}/read", STAFF),
            // Partnership analytics: the caller's organisation's partnerships; clinic staff (no figures per patient).
            route(GET, "/api/partnerships", STAFF_AND_ADMIN),
            // Where a service's patients are seen soonest: figures per recipient over the network, for choosing where
            // to refer; clinic staff. Before {partner}, which would otherwise take it (the first route that matches
            // decides).
            route(GET, "/api/partnerships/soonest", STAFF),
            route(GET, "/api/partnerships/{partner}", STAFF_AND_ADMIN),
            route(GET, "/api/partnerships/{partner}/open-loops", STAFF),
            route(GET, "/api/partnerships/{partner}/goals", STAFF),
            route(GET, "/api/partnerships/{partner}/goals/{goalId}", STAFF),
            route(POST, "/api/partnerships/{partner}/goals", STAFF),
            route(DELETE, "/api/partnerships/{partner}/goals/{goalId}", STAFF),
            // The organisation directory (who offers which service): every authenticated caller, partners included.
            route(GET, "/api/organisations", EVERY_ROLE, DIRECTORY_SCOPES),
            route(GET, "/api/organisations/{id}", EVERY_ROLE, DIRECTORY_SCOPES),
            // The persons directory: the caller's own organisation's people, for assigning work; persons only.
            route(GET, "/api/persons", STAFF_AND_COMPLIANCE),
            // Shared records: documents are read with DocumentReference.read; only clinic staff write.
            route(GET, "/api/records", STAFF, read(DOC)),
            route(GET, "/api/records/{id}", STAFF, read(DOC)),
            route(GET, "/api/records/{id}/versions", STAFF, read(DOC)),
            route(GET, "/api/records/{id}/content", STAFF, read(DOC)),
            // The accounting of disclosures is audit, not clinical content: the sharer's officers read it too.
            route(GET, "/api/records/{id}/disclosures", STAFF_AND_COMPLIANCE, read("AuditEvent")),
            route(PUT, "/api/records/content/{sha256}", STAFF),
            route(POST, "/api/records", STAFF),
            route(POST, "/api/records/{id}/amend", STAFF),
            route(POST, "/api/records/{id}/grant", STAFF),
            route(POST, "/api/records/{id}/revoke", STAFF),
            // Reviewing a break-the-glass read is the owner's compliance officers' work (docs/CONSENT.md).
            route(POST, "/api/records/{id}/emergency-access/{accessId}/review", COMPLIANCE),
            // Appointments.
            route(GET, "/api/appointments", STAFF, read(APPT)),
            route(GET, "/api/appointments/{id}", STAFF, read(APPT)),
            route(GET, "/api/appointments/{id}/history", STAFF, read(APPT)),
            route(POST, "/api/appointments", STAFF, write(APPT)),
            route(POST, "/api/appointments/proposals", STAFF, write(APPT)),
            route(POST, "/api/appointments/{id}/confirm-slot", STAFF, write(APPT)),
            route(POST, "/api/appointments/{id}/reschedule", STAFF, write(APPT)),
            route(POST, "/api/appointments/{id}/cancel", STAFF, write(APPT)),
            route(POST, "/api/appointments/{id}/arrived", STAFF, write(APPT)),
            route(POST, "/api/appointments/{id}/fulfilled", STAFF, write(APPT)),
            route(POST, "/api/appointments/{id}/no-show", STAFF, write(APPT)),
            route(POST, "/api/appointments/{id}/hand-off", STAFF, write(APPT)),
            // Everything about one patient spans every family: clinic staff only (partners search /fhir by patient).
            route(GET, "/api/patients", STAFF_AND_COMPLIANCE),
            route(GET, "/api/patients/{patientId}/summary", STAFF),
            // The audit trail: compliance officers.
            route(GET, "/api/audit", COMPLIANCE),
            route(GET, "/api/audit/disclosures", COMPLIANCE),
            route(GET, "/api/audit/emergency-access", COMPLIANCE),
            route(GET, "/api/audit/export", COMPLIANCE),
            route(GET, "/api/audit/referrals/{id}", COMPLIANCE),
            route(GET, "/api/audit/referrals/{id}/diff", COMPLIANCE),
            route(GET, "/api/audit/records/{id}", COMPLIANCE),
            route(GET, "/api/audit/records/{id}/diff", COMPLIANCE),
            route(GET, "/api/audit/appointments/{id}", COMPLIANCE),
            route(GET, "/api/audit/appointments/{id}/diff", COMPLIANCE),
            route(GET, "/api/audit/log/verify", COMPLIANCE_AND_ADMIN),
            route(GET, "/api/audit/log/checkpoints", COMPLIANCE_AND_ADMIN),
            // Operations: administrators.
            route(POST, "/api/admin/ledger/checkpoints", ADMIN),
            route(POST, "/api/admin/rebuilds", ADMIN),
            route(GET, "/api/admin/rebuilds", ADMIN),
            route(GET, "/api/admin/rebuilds/{id}", ADMIN),
            route(GET, "/api/admin/read-models", ADMIN),
            route(POST, "/api/admin/patients/{patientId}/erasure", ADMIN),
            route(POST, "/api/admin/patients/rekey", ADMIN),
            route(POST, "/api/admin/partners", ADMIN),
            route(GET, "/api/admin/partners", ADMIN),
            route(GET, "/api/admin/partners/{id}", ADMIN),
            route(POST, "/api/admin/partners/{id}/deactivate", ADMIN),
            route(GET, "/api/admin/partners/{id}/dead-letters", ADMIN),
            route(POST, "/api/admin/partners/{id}/dead-letters/{letterId}/retry", ADMIN),
            route(DELETE, "/api/admin/partners/{id}/dead-letters/{letterId}", ADMIN),
            route(GET, "/api/admin/dead-letters", ADMIN),
            route(POST, "/api/admin/dead-letters/{group}/{sequence}/retry", ADMIN),
            route(DELETE, "/api/admin/dead-letters/{group}/{sequence}", ADMIN),
            // Open without a token: the API's own description and the error page. (/actuator has its own chain,
            // ActuatorSecurity: health open, metrics for admins or the "metrics" scope.)
            open(GET, "/.well-known/smart-configuration"),
            open(GET, "/v3/api-docs"),
            open(GET, "/v3/api-docs/**"),
            open(GET, "/v3/api-docs.yaml"),
            open(GET, "/swagger-ui.html"),
            open(GET, "/swagger-ui/**"),
            open(null, "/error"));

    /**
     * {@code /fhir}, per resource type: reading (read, vread, _history, search) and writing (create, update, and
     * each entry of a transaction Bundle). Clinic staff read what their organisation takes part in and write
     * through {@code /api}; a compliance officer reads the Provenance and AuditEvent resources (the audit trail's
     * FHIR form); partner systems need the scope. The CapabilityStatement ({@code GET /fhir/metadata}) is open.
     */
    public static final List<Route> FHIR = List.of(
            fhirRead(SR, STAFF), fhirWrite(SR),
            fhirRead(TASK, STAFF), fhirWrite(TASK),
            fhirRead("Communication", STAFF), fhirWrite("Communication"),
            fhirRead(APPT, STAFF), fhirWrite(APPT),
            fhirRead(DOC, STAFF),
            fhirRead("Consent", STAFF),
            fhirRead("Provenance", STAFF_AND_COMPLIANCE),
            fhirRead("AuditEvent", STAFF_AND_COMPLIANCE),
            fhirDirectory("Organization"),
            fhirDirectory("HealthcareService"),
            fhirRead("Patient", STAFF),
            fhirRead("Practitioner", STAFF_AND_COMPLIANCE),
            fhirRead("PractitionerRole", STAFF_AND_COMPLIANCE),
            // Partnership analytics: the definitions, and the reports of the caller's organisation's partnerships.
            fhirRead("Measure", STAFF),
            fhirRead("MeasureReport", STAFF),
            // Subscriptions (with $status and $events): a partner system subscribes its own organisation; persons
            // have none.
            fhirRead("Subscription", NO_ROLE), fhirWrite("Subscription"),
            open(GET, "/fhir/metadata"),
            // SMART looks for its discovery document under the FHIR base too: the same document as at the root.
            open(GET, "/fhir/.well-known/smart-configuration"));

    private AccessMatrix() {
    }

    /** The {@code /fhir} row for reading or writing resources of {@code resourceType}; empty when none may. */
    public static Optional<Route> fhir(String resourceType, SmartScope.Interaction interaction) {
        String method = interaction == SmartScope.Interaction.READ ? GET : FHIR_WRITE;
        return FHIR.stream()
                .filter(r -> method.equals(r.method()) && r.path().equals(fhirPath(resourceType)))
                .findFirst();
    }

    /** Whether a caller with these token roles and scopes may read or write {@code resourceType} on /fhir. */
    public static boolean allowsFhir(String resourceType, SmartScope.Interaction interaction, Set<String> roles,
                                     Set<String> scopes) {
        return fhir(resourceType, interaction).map(r -> r.allows(roles, scopes)).orElse(false);
    }

    /**
     * One row: an HTTP method (null: any; {@code POST|PUT} for the FHIR writes) and a path pattern in Spring MVC syntax, the roles that may call it and
     * the SMART system scopes that may. An open row needs no token at all.
     */
    public record Route(String method, String path, Set<String> roles, Set<SmartScope> scopes, boolean open) {

        public Route {
            roles = Set.copyOf(roles);
            scopes = Set.copyOf(scopes);
        }

        /**
         * Whether a token with these roles and scopes may call the route. A token with any SMART system scope is a
         * partner system: its scopes decide, whatever roles it also names; any other token is judged by its roles.
         */
        public boolean allows(Set<String> tokenRoles, Set<String> tokenScopes) {
            if (open) {
                return true;
            }
            if (tokenScopes.stream().anyMatch(SmartScope::isSystemScope)) {
                return scopes.stream().anyMatch(need -> tokenScopes.stream().anyMatch(need::grantedBy));
            }
            return tokenRoles.stream().anyMatch(roles::contains);
        }

        /** Who may call it, in words for a refusal: "clinicians or coordinators, or a system token with ...". */
        public String whoMay() {
            if (open) {
                return "anyone";
            }
            List<String> who = new ArrayList<>();
            if (!roles.isEmpty()) {
                who.add(String.join(" or ", roles.stream().sorted().map(AccessMatrix::people).toList()));
            }
            if (!scopes.isEmpty()) {
                who.add("a system token with " + String.join(" or ",
                        scopes.stream().map(SmartScope::toString).sorted().toList()));
            }
            return who.isEmpty() ? "nobody" : String.join(", or ", who);
        }
    }

    /** A role as the people who hold it, for refusals. */
    private static String people(String role) {
        return switch (role) {
            case Actor.COMPLIANCE -> "compliance officers";
            case Actor.ADMIN -> "administrators";
            default -> role + "s";
        };
    }

    private static Route route(String method, String path, Set<String> roles, SmartScope... scopes) {
        return new Route(method, path, roles, Set.of(scopes), false);
    }

    private static Route open(String method, String path) {
        return new Route(method, path, NO_ROLE, Set.of(), true);
    }

    private static String fhirPath(String resourceType) {
        return "/fhir/" + resourceType + "/**";
    }

    private static Route fhirRead(String resourceType, Set<String> roles) {
        return new Route(GET, fhirPath(resourceType), roles, Set.of(read(resourceType)), false);
    }

    /** Partners only: clinic staff change referrals through {@code /api}. */
    /**
     * The directory as FHIR (Organization, HealthcareService): nothing about a patient, so whoever reads
     * {@code /api/organisations} reads it too, and so does a partner with the type's own read scope.
     */
    private static Route fhirDirectory(String resourceType) {
        Set<SmartScope> scopes = new HashSet<>(Set.of(DIRECTORY_SCOPES));
        scopes.add(read(resourceType));
        return new Route(GET, fhirPath(resourceType), EVERY_ROLE, scopes, false);
    }

    private static Route fhirWrite(String resourceType) {
        return new Route(FHIR_WRITE, fhirPath(resourceType), NO_ROLE, Set.of(write(resourceType)), false);
    }

    /** Every row, {@code /api} and {@code /fhir}, in table order (for docs and checks). */
    public static List<Route> all() {
        return Stream.concat(ROUTES.stream(), FHIR.stream()).toList();
    }
}
