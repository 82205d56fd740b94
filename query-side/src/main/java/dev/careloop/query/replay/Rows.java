package dev.careloop.query.replay;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The rows of a table a projection keeps up to date (a view, the grants of a record): read a row, change it in
 * Java, put it back. Live, every call is SQL on the table; in a rebuild the rows are kept in memory and written
 * at once (see {@link Stores}).
 */
public interface Rows<R> {

    /** The row with this key (values in the order of the table's key columns), or null. */
    R find(Object... key);

    /** Every row whose {@code column} equals {@code value}. */
    List<R> findAll(Column<R> column, Object value);

    /** Inserts the row, or replaces the row with its key. */
    void put(R row);

    /** Every row of the table goes (a reset). */
    void clear();

    /** Changes every row whose {@code column} equals {@code value}; answers how many changed. */
    default int updateAll(Column<R> column, Object value, UnaryOperator<R> change) {
        return putChanged(findAll(column, value), change, this::put);
    }

    /** Puts {@code change} of each row, except where it answers null (no change); answers how many were put. */
    static <R> int putChanged(List<R> rows, UnaryOperator<R> change, Consumer<R> put) {
        int changed = 0;
        for (R row : rows) {
            R updated = change.apply(row);
            if (updated != null) {
                put.accept(updated);
                changed++;
            }
        }
        return changed;
    }
}
