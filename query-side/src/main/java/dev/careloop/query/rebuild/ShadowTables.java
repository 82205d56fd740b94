package dev.careloop.query.rebuild;

import org.springframework.jdbc.core.JdbcTemplate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The DDL of a rebuild. Fresh copies of the live tables are made in the {@value #SHADOW} schema with the same
 * columns, defaults, checks, keys, indexes (under the same names) and foreign keys; the switch moves the live tables
 * to {@value #RETIRED} and the copies to {@code public}, so a table's name, and every query's, stays what it was.
 * Table names come from {@link dev.careloop.query.replay.ReadModelTables}, which admits plain identifiers only.
 */
final class ShadowTables {

    static final String SHADOW = "rebuild";
    static final String RETIRED = "retired";

    private final JdbcTemplate jdbc;
    /** The live tables' constraints and indexes, read when the copies are made. */
    private List<Map<String, Object>> keys = List.of();
    private List<Map<String, Object>> indexes = List.of();

    ShadowTables(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Why these tables cannot be swapped, or null: a missing table, or a view or foreign key outside the set that
     * points at one of them (it would follow the live table into the retired schema and be dropped with it).
     * Runs inside a transaction.
     */
    String refusal(List<String> tables) {
        for (String table : tables) {
            Integer exists = jdbc.queryForObject(
                    "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = ?", Integer.class, table);
            if (exists == null || exists == 0) {
                return "table public." + table + " does not exist";
            }
        }
        String[] names = tables.toArray(String[]::new);
        List<String> views = jdbc.queryForList("""
                SELECT DISTINCT v.relname || ' reads ' || t.relname FROM pg_depend d
                JOIN pg_rewrite r ON r.oid = d.objid JOIN pg_class v ON v.oid = r.ev_class
                JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace n ON n.oid = t.relnamespace
                WHERE n.nspname = 'public' AND t.relname = ANY(?) AND v.oid <> t.oid""", String.class, (Object) names);
        if (!views.isEmpty()) {
            return "views depend on the tables: " + String.join(", ", views);
        }
        List<String> foreign = jdbc.queryForList("""
                SELECT c.conrelid::regclass::text || ' references ' || t.relname FROM pg_constraint c
                JOIN pg_class t ON t.oid = c.confrelid JOIN pg_namespace n ON n.oid = t.relnamespace
                JOIN pg_class s ON s.oid = c.conrelid
                WHERE c.contype = 'f' AND n.nspname = 'public' AND t.relname = ANY(?) AND NOT s.relname = ANY(?)""",
                String.class, names, names);
        if (!foreign.isEmpty()) {
            return "tables outside the rebuild reference its tables: " + String.join(", ", foreign);
        }
        return null;
    }

    /**
     * Empty copies of the tables in the shadow schema (any earlier shadow or retired schema is dropped), complete
     * with every key, index and foreign key. Runs inside a transaction.
     */
    void create(List<String> tables) {
        createForLoad(tables);
        completeAfterLoad(tables);
    }

    /**
     * Empty copies with their primary and unique keys only: what a bulk load needs (keys for its rare upserts) and
     * no more, so that rows stream in without maintaining every index row by row, and in any table order.
     * {@link #completeAfterLoad} adds the rest. Runs inside a transaction.
     */
    void createForLoad(List<String> tables) {
        jdbc.execute("DROP SCHEMA IF EXISTS " + SHADOW + " CASCADE");
        jdbc.execute("DROP SCHEMA IF EXISTS " + RETIRED + " CASCADE");
        jdbc.execute("CREATE SCHEMA " + SHADOW);
        // Definitions read with every name schema-qualified, so that they can be pointed at the shadow schema.
        jdbc.execute("SET LOCAL search_path TO pg_catalog");
        String[] names = tables.toArray(String[]::new);
        keys = jdbc.queryForList("""
                SELECT t.relname AS table_name, c.conname, pg_get_constraintdef(c.oid) AS definition, c.contype
                FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
                WHERE n.nspname = 'public' AND t.relname = ANY(?) AND c.contype IN ('p', 'u', 'x', 'f')
                ORDER BY c.contype = 'f', t.relname, c.conname""", (Object) names);
        indexes = jdbc.queryForList("""
                SELECT t.relname AS table_name, pg_get_indexdef(i.indexrelid) AS definition
                FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
                WHERE n.nspname = 'public' AND t.relname = ANY(?)
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = t.oid)
                ORDER BY t.relname, i.indexrelid""", (Object) names);
        jdbc.execute("SET LOCAL search_path TO public");
        for (String table : tables) {
            // LIKE copies columns, defaults, checks, comments and storage; keys and indexes follow, under their own names.
            jdbc.execute("CREATE TABLE " + SHADOW + "." + table + " (LIKE public." + table
                    + " INCLUDING ALL EXCLUDING INDEXES)");
        }
        addKeys(tables, tables, "pu");
    }

    /** The exclusion constraints, foreign keys and indexes a bulk load went without, and fresh statistics. */
    void completeAfterLoad(List<String> tables) {
        completeAfterLoad(tables, Runnable::run);
    }

    /**
     * The same, table by table on {@code executor} (outside any transaction, each statement on a connection of
     * its own, so tables can be indexed side by side); the foreign keys follow once every table is done.
     */
    void completeAfterLoad(List<String> tables, Executor executor) {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (String table : tables) {
            done.add(CompletableFuture.runAsync(() -> {
                for (Map<String, Object> index : indexes) {
                    if (table.equals(index.get("table_name"))) {
                        jdbc.execute(((String) index.get("definition")).replaceFirst(
                                " ON (ONLY )?public\\." + table + " ", " ON $1" + SHADOW + "." + table + " "));
                    }
                }
                addKeys(List.of(table), tables, "x");
                jdbc.execute("ANALYZE " + SHADOW + "." + table);
            }, executor));
        }
        try {
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        addKeys(tables, tables, "f");
    }

    /** The constraints of the given types ("p", "u", "x", "f") of {@code tables}, pointed at the shadow copies. */
    private void addKeys(List<String> tables, List<String> rebuilt, String types) {
        for (Map<String, Object> key : keys) {
            String type = String.valueOf(key.get("contype"));
            if (!types.contains(type) || !tables.contains(String.valueOf(key.get("table_name")))) {
                continue;
            }
            String definition = (String) key.get("definition");
            if ("f".equals(type)) {
                for (String target : rebuilt) {
                    definition = definition.replace("REFERENCES public." + target + "(",
                            "REFERENCES " + SHADOW + "." + target + "(");
                }
            }
            jdbc.execute("ALTER TABLE " + SHADOW + "." + key.get("table_name") + " ADD CONSTRAINT "
                    + quote((String) key.get("conname")) + " " + definition);
        }
    }

    /**
     * The switch, inside the caller's transaction: live tables to the retired schema, copies to public. Numbering
     * goes on where it was: the sequence of a serial column (which the copy's default already draws from) is handed
     * to the copy, as it would otherwise follow the live table into the retired schema and be dropped with it; an
     * identity column's own sequence, which the copy got fresh, is moved past the live one and past the ids loaded.
     */
    void swap(List<String> tables) {
        // Reads wait for the swap's locks rather than the swap waiting forever behind a long read.
        jdbc.execute("SET LOCAL lock_timeout = '10s'");
        String[] names = tables.toArray(String[]::new);
        List<Map<String, Object>> serials = jdbc.queryForList("""
                SELECT s.relname AS sequence_name, t.relname AS table_name, a.attname AS column_name
                FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
                JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace n ON n.oid = t.relnamespace
                JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
                WHERE d.deptype = 'a' AND n.nspname = 'public' AND t.relname = ANY(?)""", (Object) names);
        List<Map<String, Object>> identities = jdbc.queryForList("""
                SELECT t.relname AS table_name, a.attname AS column_name,
                    pg_sequence_last_value(pg_get_serial_sequence('public.' || t.relname, a.attname)::regclass) AS reached
                FROM pg_attribute a JOIN pg_class t ON t.oid = a.attrelid JOIN pg_namespace n ON n.oid = t.relnamespace
                WHERE n.nspname = 'public' AND t.relname = ANY(?) AND a.attidentity IN ('a', 'd')
                  AND NOT a.attisdropped""", (Object) names);
        for (Map<String, Object> serial : serials) {
            // Unowned, the sequence stays in public when its table leaves.
            jdbc.execute("ALTER SEQUENCE public." + quote((String) serial.get("sequence_name")) + " OWNED BY NONE");
        }
        jdbc.execute("CREATE SCHEMA " + RETIRED);
        for (String table : tables) {
            jdbc.execute("ALTER TABLE public." + table + " SET SCHEMA " + RETIRED);
        }
        for (String table : tables) {
            jdbc.execute("ALTER TABLE " + SHADOW + "." + table + " SET SCHEMA public");
        }
        for (Map<String, Object> serial : serials) {
            jdbc.execute("ALTER SEQUENCE public." + quote((String) serial.get("sequence_name")) + " OWNED BY public."
                    + serial.get("table_name") + "." + quote((String) serial.get("column_name")));
        }
        for (Map<String, Object> identity : identities) {
            String table = "public." + identity.get("table_name");
            String column = (String) identity.get("column_name");
            // A bulk load writes ids as they were, without drawing on the copy's sequence.
            jdbc.queryForList("SELECT setval(pg_get_serial_sequence(?, ?), greatest(?::bigint, max(" + quote(column)
                    + "))) FROM " + table + " HAVING greatest(?::bigint, max(" + quote(column) + ")) IS NOT NULL",
                    table, column, identity.get("reached"), identity.get("reached"));
        }
        jdbc.execute("DROP SCHEMA " + SHADOW);
    }

    /** The retired tables, after the switch (no CASCADE: nothing outside may depend on them, see refusal). */
    void dropRetired(List<String> tables) {
        List<String> drops = new ArrayList<>();
        for (String table : tables) {
            drops.add(RETIRED + "." + table);
        }
        jdbc.execute("DROP TABLE IF EXISTS " + String.join(", ", drops));
        jdbc.execute("DROP SCHEMA IF EXISTS " + RETIRED);
    }

    /** What a failed or abandoned rebuild leaves. */
    void dropShadow() {
        jdbc.execute("DROP SCHEMA IF EXISTS " + SHADOW + " CASCADE");
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
