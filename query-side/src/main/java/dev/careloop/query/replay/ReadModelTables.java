package dev.careloop.query.replay;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The tables a processing group writes, so that the group can be rebuilt from the log into fresh copies of them
 * (docs/OPERATIONS.md, "Rebuilding read models from the log"). Every table a group's handlers write belongs in its
 * list; a table written by two groups is listed by both, and such groups are only ever rebuilt together. Declared as
 * Spring beans; any module can add its own.
 *
 * <p>{@code bulk} says that every handler of the group writes only through {@link Stores} (its constructor takes
 * a {@code Stores}, and nothing else it is given writes): a rebuild may then fold the log in memory through
 * fresh instances of the handlers and load the tables at once, rather than replay it statement by statement.
 */
public record ReadModelTables(String processingGroup, List<String> tables, boolean bulk) {

    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    public ReadModelTables {
        tables = List.copyOf(tables);
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("processing group " + processingGroup + " declares no tables");
        }
        // The names go into DDL: plain lower-case identifiers only.
        for (String table : tables) {
            if (!NAME.matcher(table).matches()) {
                throw new IllegalArgumentException("not a plain table name: " + table);
            }
        }
    }

    public static ReadModelTables of(String processingGroup, String... tables) {
        return new ReadModelTables(processingGroup, List.of(tables), false);
    }

    /** A group whose handlers write only through {@link Stores}, so that it can be rebuilt in bulk. */
    public static ReadModelTables bulk(String processingGroup, String... tables) {
        return new ReadModelTables(processingGroup, List.of(tables), true);
    }
}
