package dev.careloop.plumbing;

import java.util.Properties;

/**
 * The pgjdbc settings of every CareLoop connection pool (the application's, and the test pools that stand in for it,
 * so that their tests run the statements production runs).
 * <p>
 * {@code reWriteBatchedInserts}: a JDBC batch of inserts (a processor batch's journal rows and upserts, a command's
 * events) goes as multi-row INSERTs, one statement for many rows where each row was its own (issue 19). One multi-row
 * upsert may not touch a key twice; the batches' upserts are keyed by their conflict targets.
 */
public final class DriverSettings {

    private DriverSettings() {
    }

    /** The settings, as a pool's data source properties (a copy: pools keep theirs). */
    public static Properties properties() {
        Properties properties = new Properties();
        properties.setProperty("reWriteBatchedInserts", "true");
        return properties;
    }
}
