package dev.careloop.fhir.facade;

import dev.careloop.fhir.mapping.FhirChange;
import dev.careloop.fhir.mapping.SearchValues;
import dev.careloop.plumbing.HeldBatch;
import dev.careloop.plumbing.StableParameters;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The fhir_resource_index table (V18): kept by {@link FhirIndexProjection}, searched by the facade. */
@Component
public class ResourceIndex {

    /**
     * What a search asks for; null (or empty) fields do not filter. {@code ids} and {@code statuses} match any of
     * their values; {@code identifier} is {@code system|value}, or {@code |value} / {@code value} for any system;
     * {@code sort} is a list of {@code _lastUpdated} / {@code _id}, each with a leading {@code -} for descending.
     */
    public record Query(String resourceType, String organisation, String patient, List<String> statuses,
                        String owner, String requester, Instant updatedFrom, boolean fromInclusive, Instant updatedTo,
                        boolean toInclusive, List<String> ids, String identifier, String focus, List<String> sort) {
    }

    /** A hit: the resource to read from the log. */
    public record Hit(String resourceType, String id) {
    }

    private final JdbcTemplate jdbc;
    /** This index's parts of a batch that holds its writes. */
    private final Object rowsKey = new Object();
    private final Object audiencesKey = new Object();

    public ResourceIndex(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** One resource's row, as {@link #record} writes it. */
    private record Row(String resourceType, String id, long version, String aggregateType, String aggregateId,
                       Timestamp lastUpdated, String patient, String status, String owner, String requester,
                       String[] organisations, String[] identifiers, String focus) {

        /** The table's key: one row per resource. */
        List<String> key() {
            return List.of(resourceType, id);
        }

        Object[] values() {
            // Its optional texts (patient, status, owner, requester, focus) come and go: StableParameters.
            return StableParameters.all(resourceType, id, version, aggregateType, aggregateId, lastUpdated, patient,
                    status, owner, requester, organisations, version, identifiers, focus);
        }
    }

    /** Who may see an aggregate's resources as of a change: its earlier Provenances and Communications too. */
    private record Audience(String aggregateId, String[] organisations, long version) {

        Object[] values() {
            return new Object[]{organisations, version, aggregateId, version, organisations};
        }
    }

    private static final String UPSERT = """
            INSERT INTO fhir_resource_index (resource_type, id, version, aggregate_type, aggregate_id,
                last_updated, patient, status, owner, requester, organisations, audience_version, identifiers,
                focus)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (resource_type, id) DO UPDATE SET version = EXCLUDED.version,
                last_updated = EXCLUDED.last_updated, patient = EXCLUDED.patient, status = EXCLUDED.status,
                owner = EXCLUDED.owner, requester = EXCLUDED.requester, identifiers = EXCLUDED.identifiers,
                focus = EXCLUDED.focus,
                organisations = EXCLUDED.organisations, audience_version = EXCLUDED.audience_version
            WHERE fhir_resource_index.version < EXCLUDED.version""";
    // Only the rows whose audience changes: most changes keep the aggregate's audience, and rewriting each earlier
    // Provenance for every change (every index of the row, two of them GIN) cost a referral's life O(n^2) rows.
    private static final String AUDIENCE = """
            UPDATE fhir_resource_index SET organisations = ?, audience_version = ?
            WHERE aggregate_id = ? AND resource_type <> 'AuditEvent' AND audience_version < ?
              AND organisations IS DISTINCT FROM ?::text[]""";

    /**
     * Indexes every resource of {@code change}; replaying a change, or an older one, changes nothing. In a processor
     * batch that holds its writes ({@link HeldBatch}) only each resource's newest row is kept, and the audiences that
     * change something ({@link HeldAudiences}), written as the batch commits: the rows upserted first, then the
     * audiences in order, which is what writing each change in turn leaves (an audience only ever reaches rows of
     * older versions, and a row's own upsert sets the audience of its version).
     */
    public void record(FhirChange change) {
        String[] organisations = change.organisations().toArray(String[]::new);
        boolean disclosureOnly = change.resources().stream().allMatch(r -> "AuditEvent".equals(r.fhirType()));
        List<Row> rows = change.resources().stream().map(resource -> new Row(resource.fhirType(),
                resource.getIdElement().getIdPart(), change.version(), change.aggregateType(), change.aggregateId(),
                Timestamp.from(resource.getMeta().getLastUpdated().toInstant()), change.patientId(),
                SearchValues.status(resource), SearchValues.owner(resource), SearchValues.requester(resource),
                organisations, identifiers(resource), focus(resource))).toList();
        // Earlier per-change resources (Provenance, Communication) are seen by whoever sees the aggregate now.
        Audience audience = disclosureOnly ? null
                : new Audience(change.aggregateId(), organisations, change.version());
        HeldBatch batch = HeldBatch.current();
        if (batch == null) {
            upsert(rows);
            if (audience != null) {
                reach(List.of(audience));
            }
            return;
        }
        // The rows' part is asked for first, so the batch writes them before the audiences.
        HeldBatch.Upserts<List<String>, Row> heldRows = batch.part(rowsKey,
                () -> new HeldBatch.Upserts<>(ResourceIndex::newer, this::upsert));
        HeldAudiences heldAudiences = batch.part(audiencesKey, HeldAudiences::new);
        rows.forEach(row -> heldRows.put(row.key(), row));
        if (audience != null) {
            heldAudiences.add(audience);
        }
    }

    /**
     * The audiences of a batch, each aggregate's in order, but of a run of changes with one audience only the first:
     * the later ones of the run reach no row (the rows the first reached, and the rows written since, already have
     * that audience), so the index ends as it does when each change is written in turn, the version each row's
     * audience came with included. Not only the newest: that one would stamp its own version on rows whose audience
     * came earlier, and the index would depend on how the log was cut into batches.
     */
    private final class HeldAudiences implements HeldBatch.Part {
        private final Map<String, List<Audience>> byAggregate = new LinkedHashMap<>();

        void add(Audience audience) {
            List<Audience> audiences = byAggregate.computeIfAbsent(audience.aggregateId(), id -> new ArrayList<>());
            Audience last = audiences.isEmpty() ? null : audiences.get(audiences.size() - 1);
            if (last == null || (audience.version() > last.version()
                    && !Arrays.equals(audience.organisations(), last.organisations()))) {
                audiences.add(audience);
            }
        }

        @Override
        public void flush() {
            List<Audience> held = byAggregate.values().stream().flatMap(List::stream).toList();
            byAggregate.clear();
            reach(held);
        }
    }

    /** Of two writes of one key the newer version; of one version the first, which the table keeps too. */
    private static Row newer(Row kept, Row next) {
        return next.version() > kept.version() ? next : kept;
    }

    /**
     * The rows in one round trip (a JDBC batch, which pgjdbc may send as one multi-row upsert): one row per key, the
     * newer, since one statement may not upsert a key twice.
     */
    private void upsert(List<Row> rows) {
        if (!rows.isEmpty()) {
            Map<List<String>, Row> byKey = new LinkedHashMap<>();
            rows.forEach(row -> byKey.merge(row.key(), row, ResourceIndex::newer));
            jdbc.batchUpdate(UPSERT, byKey.values().stream().map(Row::values).toList());
        }
    }

    /** The audiences in one round trip, in order. */
    private void reach(List<Audience> audiences) {
        if (!audiences.isEmpty()) {
            jdbc.batchUpdate(AUDIENCE, audiences.stream().map(Audience::values).toList());
        }
    }

    public void clear() {
        jdbc.update("DELETE FROM fhir_resource_index");
    }

    /** The platform patient id the indexed resource is about, for the access log (null when none or not indexed). */
    public String patientOf(String resourceType, String id) {
        return jdbc.query("SELECT patient FROM fhir_resource_index WHERE resource_type = ? AND id = ?",
                (rs, i) -> rs.getString(1), resourceType, id).stream().findFirst().orElse(null);
    }

    /**
     * Every resource of {@code resourceType} that {@code organisation} may see, last updated at or after
     * {@code updatedSince} when given (a resource changed last before it has no version since).
     */
    public List<Hit> visible(String resourceType, String organisation, Instant updatedSince) {
        return jdbc.query("SELECT resource_type, id FROM fhir_resource_index WHERE resource_type = ? "
                        + "AND ? = ANY(organisations) AND last_updated >= ? ORDER BY last_updated DESC, id",
                (rs, i) -> new Hit(rs.getString(1), rs.getString(2)), resourceType, organisation,
                Timestamp.from(updatedSince == null ? Instant.EPOCH : updatedSince));
    }

    public int count(Query query) {
        List<Object> args = new ArrayList<>();
        String where = where(query, args);
        Integer count = jdbc.queryForObject("SELECT count(*) FROM fhir_resource_index WHERE " + where, Integer.class,
                args.toArray());
        return count == null ? 0 : count;
    }

    /** Newest first; {@code offset} and {@code limit} page through the same order. */
    public List<Hit> find(Query query, int offset, int limit) {
        List<Object> args = new ArrayList<>();
        String where = where(query, args);
        args.add(limit);
        args.add(offset);
        return jdbc.query("SELECT resource_type, id FROM fhir_resource_index WHERE " + where
                        + " ORDER BY " + orderBy(query.sort()) + " LIMIT ? OFFSET ?",
                (rs, i) -> new Hit(rs.getString(1), rs.getString(2)), args.toArray());
    }

    private static String where(Query q, List<Object> args) {
        StringBuilder where = new StringBuilder("resource_type = ? AND ? = ANY(organisations)");
        args.add(q.resourceType());
        args.add(q.organisation());
        and(where, args, "patient = ?", q.patient());
        any(where, args, "status", q.statuses());
        any(where, args, "id", q.ids());
        and(where, args, "focus = ?", q.focus());
        if (q.identifier() != null) {
            int bar = q.identifier().indexOf('|');
            if (bar > 0) {
                and(where, args, "? = ANY(identifiers)", q.identifier());
            } else {
                // Any system: the value after the bar of one of the identifiers.
                where.append(" AND EXISTS (SELECT 1 FROM unnest(identifiers) i WHERE substring(i from position('|' in i) + 1) = ?)");
                args.add(bar == 0 ? q.identifier().substring(1) : q.identifier());
            }
        }
        and(where, args, "owner = ?", q.owner());
        and(where, args, "requester = ?", q.requester());
        and(where, args, q.fromInclusive() ? "last_updated >= ?" : "last_updated > ?",
                q.updatedFrom() == null ? null : Timestamp.from(q.updatedFrom()));
        and(where, args, q.toInclusive() ? "last_updated <= ?" : "last_updated < ?",
                q.updatedTo() == null ? null : Timestamp.from(q.updatedTo()));
        return where.toString();
    }

    private static void any(StringBuilder where, List<Object> args, String column, List<String> values) {
        if (values != null && !values.isEmpty()) {
            where.append(" AND ").append(column).append(" IN (")
                    .append(String.join(", ", java.util.Collections.nCopies(values.size(), "?"))).append(")");
            args.addAll(values);
        }
    }

    /** The order of a search: the named sort keys (only these two exist), then newest first, then by id. */
    private static String orderBy(List<String> sort) {
        List<String> keys = new ArrayList<>();
        for (String key : sort == null ? List.<String>of() : sort) {
            boolean descending = key.startsWith("-");
            String column = switch (descending ? key.substring(1) : key) {
                case "_lastUpdated" -> "last_updated";
                case "_id" -> "id";
                default -> throw new IllegalArgumentException("no sort by " + key);
            };
            keys.add(column + (descending ? " DESC" : " ASC"));
        }
        keys.add("last_updated DESC");
        keys.add("id");
        return String.join(", ", keys);
    }

    /** The Tasks that have {@code focus} (a {@code Type/id}) as their focus and the caller may see. */
    public List<Hit> withFocus(String focus, String organisation) {
        return jdbc.query("SELECT resource_type, id FROM fhir_resource_index WHERE resource_type = 'Task' "
                + "AND focus = ? AND ? = ANY(organisations) ORDER BY id",
                (rs, i) -> new Hit(rs.getString(1), rs.getString(2)), focus, organisation);
    }

    /** The Provenances of an aggregate's changes that {@code organisation} may see, newest first. */
    public List<Hit> provenancesOf(String aggregateId, String organisation) {
        return jdbc.query("SELECT resource_type, id FROM fhir_resource_index WHERE resource_type = 'Provenance' "
                + "AND aggregate_id = ? AND ? = ANY(organisations) ORDER BY version DESC",
                (rs, i) -> new Hit(rs.getString(1), rs.getString(2)), aggregateId, organisation);
    }

    /** Each identifier of the resource as {@code system|value}. */
    static String[] identifiers(Resource resource) {
        var property = resource.getNamedProperty("identifier");
        if (property == null || !property.hasValues()) {
            return new String[0];
        }
        return property.getValues().stream().filter(org.hl7.fhir.r4.model.Identifier.class::isInstance)
                .map(org.hl7.fhir.r4.model.Identifier.class::cast).filter(i -> i.hasValue())
                .map(i -> (i.hasSystem() ? i.getSystem() : "") + "|" + i.getValue()).toArray(String[]::new);
    }

    static String focus(Resource resource) {
        if (resource instanceof Task task && task.hasFocus() && task.getFocus().hasReference()) {
            var id = task.getFocus().getReferenceElement();
            return id.getResourceType() + "/" + id.getIdPart();
        }
        return null;
    }

    private static void and(StringBuilder where, List<Object> args, String condition, Object value) {
        if (value != null) {
            where.append(" AND ").append(condition);
            args.add(value);
        }
    }
}
