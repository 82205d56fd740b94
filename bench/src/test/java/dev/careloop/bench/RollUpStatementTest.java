package dev.careloop.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The seeding rolls month rows up with the statement migration V57 runs on an upgrade, read from the migration. */
class RollUpStatementTest {

    @Test
    void theRollUpIsMigrationV57sWholeInsertStatement() {
        assertThat(AnalyticsBenchmark.PAIR_MONTHS_SQL)
                .startsWith("INSERT INTO analytics_pair_month")
                .contains("FROM analytics_month GROUP BY sender_org, recipient_org, month")
                .endsWith("USING (sender_org, recipient_org, month)")
                .doesNotContain(";");
    }
}
