package dev.careloop.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReportTest {

    @Test
    void masksPasswordsInJdbcUrlsAndCommandLines() {
        assertThat(Report.redact("jdbc:postgresql://db:5432/careloop?user=careloop&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/careloop?user=careloop&password=***&ssl=true");
        assertThat(Report.redact("bench/run.sh --jdbc-url 'jdbc:postgresql://db/x?password=s3cret' --seconds 5"))
                .isEqualTo("bench/run.sh --jdbc-url 'jdbc:postgresql://db/x?password=***' --seconds 5");
    }

    @Test
    void quotesOnlyArgumentsTheShellWouldSplit() {
        assertThat(Report.shellQuote("--seconds")).isEqualTo("--seconds");
        assertThat(Report.shellQuote("jdbc:postgresql://h/db?user=a&password=b"))
                .isEqualTo("'jdbc:postgresql://h/db?user=a&password=b'");
    }
}
