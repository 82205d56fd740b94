package dev.careloop.fhir.directory;

import dev.careloop.plumbing.HeldBatch;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The persons who acted (event metadata {@code userId}, {@code userName}), as FHIR R4: {@code Practitioner/{id}}
 * (the person, by name) and {@code PractitionerRole/{id}} (the person for one organisation). Table
 * {@code fhir_person_act} (V46), kept from each change's Provenance with the facade's index. A person is visible to
 * their own organisation and to every organisation that sees a referral, record or appointment they acted on.
 */
@Component
public class FhirPeople {

    /** Users (people and partner systems) by their CareLoop user id: the issuer's subject. */
    public static final String USER_SYSTEM = "https://careloop.dev/fhir/sid/user";

    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    // A person's rows the organisation may see: its own, or on an aggregate the organisation sees.
    private static final String VISIBLE = """
            SELECT user_id, name, organisation, practitioner_id, role_id FROM fhir_person_act p
             WHERE %s = ? AND (p.organisation = ? OR EXISTS (SELECT 1 FROM fhir_resource_index i
                   WHERE i.aggregate_id = p.aggregate_id AND ? = ANY(i.organisations)
                     AND i.resource_type <> 'AuditEvent'))
             ORDER BY last_acted_at DESC""";

    private record Row(String userId, String name, String organisation, String practitionerId, String roleId) {
    }

    private final JdbcTemplate jdbc;
    /** This directory's part of a batch that holds its writes. */
    private final Object heldKey = new Object();

    public FhirPeople(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The person's Practitioner id: the user id where it is a valid FHIR id, else a digest of it. */
    public static String practitionerId(String userId) {
        return FHIR_ID.matcher(userId).matches() ? userId : "u-" + digest(userId);
    }

    /** The id of the person's PractitionerRole for {@code organisation}: {@code {organisation}.{practitioner id}}. */
    public static String roleId(String userId, String organisation) {
        String id = organisation + "." + practitionerId(userId);
        return FHIR_ID.matcher(id).matches() ? id : "r-" + digest(organisation + "|" + userId);
    }

    /** Notes that {@code userId} ({@code name}) acted for {@code organisation} on {@code aggregateId}. */
    public void acted(String userId, String name, String organisation, String aggregateId, Instant at) {
        Act act = new Act(practitionerId(userId), roleId(userId, organisation), userId, name, organisation,
                aggregateId, Timestamp.from(at));
        HeldBatch batch = HeldBatch.current();
        if (batch == null) {
            write(List.of(act));
            return;
        }
        // In a batch that holds its writes, each person's last act on an aggregate for an organisation, once.
        batch.<HeldBatch.Upserts<List<String>, Act>>part(heldKey, () -> new HeldBatch.Upserts<>(
                        (kept, next) -> next.at().before(kept.at()) ? kept : next, this::write))
                .put(List.of(act.practitionerId(), organisation, aggregateId), act);
    }

    /** A row of fhir_person_act. */
    private record Act(String practitionerId, String roleId, String userId, String name, String organisation,
                       String aggregateId, Timestamp at) {
    }

    private void write(List<Act> acts) {
        String upsert = """
                INSERT INTO fhir_person_act (practitioner_id, role_id, user_id, name, organisation, aggregate_id,
                    last_acted_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (practitioner_id, organisation, aggregate_id) DO UPDATE SET name = EXCLUDED.name,
                    last_acted_at = EXCLUDED.last_acted_at
                WHERE fhir_person_act.last_acted_at <= EXCLUDED.last_acted_at""";
        jdbc.batchUpdate(upsert, acts.stream().map(a -> new Object[]{a.practitionerId(), a.roleId(), a.userId(),
                a.name(), a.organisation(), a.aggregateId(), a.at()}).toList());
    }

    public void clear() {
        jdbc.update("DELETE FROM fhir_person_act");
    }

    /** {@code Practitioner/{id}} or {@code PractitionerRole/{id}} as {@code organisation} may see it. */
    public Optional<Resource> read(String resourceType, String id, String organisation) {
        if (id == null || organisation == null) {
            return Optional.empty();
        }
        if ("Practitioner".equals(resourceType)) {
            return rows("practitioner_id", id, organisation).stream().findFirst().map(FhirPeople::practitioner);
        }
        if ("PractitionerRole".equals(resourceType)) {
            return rows("role_id", id, organisation).stream().findFirst().map(FhirPeople::role);
        }
        return Optional.empty();
    }

    public static boolean serves(String resourceType) {
        return "Practitioner".equals(resourceType) || "PractitionerRole".equals(resourceType);
    }

    private List<Row> rows(String column, String id, String organisation) {
        return jdbc.query(VISIBLE.formatted(column), (rs, i) -> new Row(rs.getString("user_id"), rs.getString("name"),
                rs.getString("organisation"), rs.getString("practitioner_id"), rs.getString("role_id")),
                id, organisation, organisation);
    }

    /**
     * The person as a resource names them ({@code reference}: the user id and the name they acted under), for a push
     * the persons table has not caught up with yet.
     */
    public static Practitioner named(Reference reference) {
        return practitioner(reference.getIdentifier().getValue(), reference.getDisplay());
    }

    /**
     * The person for an organisation as a resource names them ({@code reference}: the user id and their name), for a
     * push the persons table has not caught up with yet; empty unless {@code roleId} is that person's role id.
     */
    public static Optional<PractitionerRole> namedRole(String roleId, Reference reference) {
        int dot = roleId.indexOf('.');
        if (dot <= 0 || !reference.hasIdentifier() || !reference.getIdentifier().hasValue()) {
            return Optional.empty();
        }
        String userId = reference.getIdentifier().getValue();
        String organisation = roleId.substring(0, dot);
        if (!roleId.equals(roleId(userId, organisation))) {
            return Optional.empty();
        }
        PractitionerRole role = new PractitionerRole();
        role.setId(roleId);
        role.setActive(true);
        role.setPractitioner(new Reference("Practitioner/" + practitionerId(userId)).setType("Practitioner")
                .setIdentifier(new Identifier().setSystem(USER_SYSTEM).setValue(userId))
                .setDisplay(reference.getDisplay()));
        role.setOrganization(new Reference("Organization/" + organisation).setType("Organization")
                .setDisplay(organisation));
        return Optional.of(role);
    }

    private static Practitioner practitioner(Row row) {
        return practitioner(row.userId(), row.name());
    }

    private static Practitioner practitioner(String userId, String actedAs) {
        Practitioner practitioner = new Practitioner();
        practitioner.setId(practitionerId(userId));
        practitioner.addIdentifier(new Identifier().setSystem(USER_SYSTEM).setValue(userId));
        practitioner.setActive(true);
        if (actedAs != null && !actedAs.isBlank()) {
            practitioner.addName(new HumanName().setUse(HumanName.NameUse.USUAL).setText(name(actedAs)));
        }
        return practitioner;
    }

    private static PractitionerRole role(Row row) {
        PractitionerRole role = new PractitionerRole();
        role.setId(row.roleId());
        role.setActive(true);
        role.setPractitioner(new Reference("Practitioner/" + row.practitionerId()).setType("Practitioner")
                .setDisplay(name(row.name())));
        role.setOrganization(new Reference("Organization/" + row.organisation()).setType("Organization")
                .setDisplay(row.organisation()));
        String title = title(row.name());
        if (title != null) {
            role.addCode().setText(title);
        }
        return role;
    }

    // A person acts under "name, title" ("Dr Tom Okafor, general practitioner at Northside"): the name is the person's,
    // the title their role at the organisation.
    private static String name(String actedAs) {
        int comma = actedAs.indexOf(", ");
        return comma > 0 ? actedAs.substring(0, comma) : actedAs;
    }

    private static String title(String actedAs) {
        int comma = actedAs.indexOf(", ");
        return comma > 0 && comma + 2 < actedAs.length() ? actedAs.substring(comma + 2) : null;
    }

    private static String digest(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8))).substring(0, 40);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
