package dev.careloop.query.replay;

/**
 * Where a projection writes its tables. A projection that writes only through here can be rebuilt in bulk
 * ({@link ReadModelTables#bulk()}): the same handlers then fold the log into rows held in memory, which are
 * loaded into the rebuilt tables at once, instead of one statement per event. Live, {@link JdbcStores} runs each
 * call as SQL on the tables of the current search path.
 */
public interface Stores {

    <R> Rows<R> rows(RowTable<R> table);

    <R> Journal<R> journal(RowTable<R> table);
}
