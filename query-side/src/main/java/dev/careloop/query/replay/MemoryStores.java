package dev.careloop.query.replay;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Rows held in memory for one short replay: an aggregate's history through the projection of its view, to see the
 * row as it stood after any of its events (the as-of answers). A journal keeps its rows too, never read back by a
 * projection; rewriting one (an erasure's SQL condition) has no meaning here. A row found is the row kept, as in a
 * bulk rebuild: the projections change a row only to put it back.
 */
public final class MemoryStores implements Stores {

    private final Map<RowTable<?>, Map<List<Object>, Object>> tables = new LinkedHashMap<>();

    @Override
    @SuppressWarnings("unchecked")
    public <R> Rows<R> rows(RowTable<R> table) {
        Map<List<Object>, Object> rows = tables.computeIfAbsent(table, t -> new LinkedHashMap<>());
        return new Rows<>() {
            @Override
            public R find(Object... key) {
                return (R) rows.get(List.of(key));
            }

            @Override
            public List<R> findAll(Column<R> column, Object value) {
                List<R> found = new ArrayList<>();
                for (Object row : rows.values()) {
                    if (Objects.equals(column.of((R) row), value)) {
                        found.add((R) row);
                    }
                }
                return found;
            }

            @Override
            public void put(R row) {
                rows.put(table.keyOf(row), row);
            }

            @Override
            public void clear() {
                rows.clear();
            }
        };
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> Journal<R> journal(RowTable<R> table) {
        Map<List<Object>, Object> rows = tables.computeIfAbsent(table, t -> new LinkedHashMap<>());
        return new Journal<>() {
            @Override
            public void add(R row) {
                rows.putIfAbsent(table.keyOf(row), row);
            }

            @Override
            public int rewrite(String condition, List<Object> args, UnaryOperator<R> change) {
                throw new UnsupportedOperationException("a replay in memory cannot rewrite " + table + " where "
                        + condition);
            }

            @Override
            public void clear() {
                rows.clear();
            }
        };
    }
}
