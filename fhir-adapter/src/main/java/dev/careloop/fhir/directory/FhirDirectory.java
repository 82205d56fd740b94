package dev.careloop.fhir.directory;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The organisation directory (query-side tables {@code organisation} and {@code organisation_service}) as FHIR R4:
 * each organisation is an {@code Organization/{id}} and, as the provider of the services it offers, a
 * {@code HealthcareService/{id}} (one per organisation, each service a {@code type}; an Appointment names the
 * organisation's service, never one line of it). Every referral, record and appointment names them, so partners
 * receive them with the first push that does and {@code /fhir} serves them to every caller: nothing here is
 * about a patient.
 */
@Component
public class FhirDirectory {

    /** Organisations by their CareLoop id (the token's {@code org}). */
    public static final String ORGANISATION_SYSTEM = "https://careloop.dev/fhir/sid/organisation";
    /** The services organisations offer, by the directory's code. */
    public static final String SERVICE_SYSTEM = "https://careloop.dev/fhir/CodeSystem/service";

    /** One organisation as the directory holds it. */
    public record Entry(String id, String name, List<Service> services) {
    }

    public record Service(String code, String name) {
    }

    private final JdbcTemplate jdbc;

    public FhirDirectory(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** {@code Organization/{id}} or {@code HealthcareService/{id}}; empty for another type or an unknown id. */
    public Optional<Resource> read(String resourceType, String id) {
        if (!serves(resourceType) || id == null) {
            return Optional.empty();
        }
        return entries(id).stream().findFirst().map(e -> resource(resourceType, e));
    }

    /** Every resource of {@code resourceType} (Organization or HealthcareService), by organisation name. */
    public List<Resource> all(String resourceType) {
        if (!serves(resourceType)) {
            return List.of();
        }
        return entries(null).stream().map(e -> resource(resourceType, e)).toList();
    }

    public static boolean serves(String resourceType) {
        return "Organization".equals(resourceType) || "HealthcareService".equals(resourceType);
    }

    /** The resource of {@code resourceType} (Organization or HealthcareService) that {@code entry} is. */
    public static Resource resource(String resourceType, Entry entry) {
        return "Organization".equals(resourceType) ? organization(entry) : healthcareService(entry);
    }

    static Organization organization(Entry entry) {
        Organization organization = new Organization();
        organization.setId(entry.id());
        organization.addIdentifier(new Identifier().setSystem(ORGANISATION_SYSTEM).setValue(entry.id()));
        organization.setActive(true);
        organization.setName(entry.name());
        return organization;
    }

    static HealthcareService healthcareService(Entry entry) {
        HealthcareService service = new HealthcareService();
        service.setId(entry.id());
        service.addIdentifier(new Identifier().setSystem(ORGANISATION_SYSTEM).setValue(entry.id()));
        service.setActive(true);
        service.setProvidedBy(new Reference("Organization/" + entry.id()).setType("Organization")
                .setDisplay(entry.name()));
        service.setName(entry.name());
        entry.services().forEach(s -> service.addType(new CodeableConcept(
                new Coding(SERVICE_SYSTEM, s.code(), s.name())).setText(s.name())));
        return service;
    }

    private List<Entry> entries(String only) {
        Map<String, Entry> found = new LinkedHashMap<>();
        jdbc.query("""
                SELECT o.id, o.name, s.code, s.name AS service_name
                  FROM organisation o LEFT JOIN organisation_service s ON s.organisation_id = o.id
                 WHERE (?::text IS NULL OR o.id = ?)
                 ORDER BY o.name, o.id, s.name, s.code""", rs -> {
            String id = rs.getString("id");
            String name = rs.getString("name");
            Entry entry = found.computeIfAbsent(id, k -> new Entry(k, name, new ArrayList<>()));
            if (rs.getString("code") != null) {
                entry.services().add(new Service(rs.getString("code"), rs.getString("service_name")));
            }
        }, only, only);
        return List.copyOf(found.values());
    }
}
