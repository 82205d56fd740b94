package dev.careloop.query.organisation;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The organisation directory: who CareLoop knows and the services each offers, for choosing a referral's recipient.
 * Nothing here is about a patient, so every authenticated caller reads all of it.
 */
@RestController
@RequestMapping("/api/organisations")
@Tag(name = "Organisations", description = "The directory: organisations and the services they offer")
class OrganisationDirectoryController {

    record Service(String code, String name) {
    }

    record Organisation(String id, String name, List<Service> services) {
    }

    private final JdbcTemplate jdbc;

    OrganisationDirectoryController(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @GetMapping
    @Operation(summary = "Every organisation, by name, with the services it offers")
    List<Organisation> list() {
        return organisations(null);
    }

    @GetMapping("/{id}")
    @Operation(summary = "One organisation and the services it offers")
    Organisation get(@PathVariable String id) {
        return organisations(id).stream().findFirst()
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no such organisation"));
    }

    private List<Organisation> organisations(String only) {
        Map<String, Organisation> found = new LinkedHashMap<>();
        jdbc.query("""
                SELECT o.id, o.name, s.code, s.name AS service_name
                  FROM organisation o LEFT JOIN organisation_service s ON s.organisation_id = o.id
                 WHERE (?::text IS NULL OR o.id = ?)
                 ORDER BY o.name, o.id, s.name, s.code""", rs -> {
            String id = rs.getString("id");
            Organisation o = found.get(id);
            if (o == null) {
                o = new Organisation(id, rs.getString("name"), new ArrayList<>());
                found.put(id, o);
            }
            if (rs.getString("code") != null) {
                o.services().add(new Service(rs.getString("code"), rs.getString("service_name")));
            }
        }, only, only);
        return List.copyOf(found.values());
    }
}
