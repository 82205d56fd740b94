package dev.careloop.bench;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

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

    @Test
    void setsEachCountsCareLoopNextToItsRawAndFloorRatesAndChecksTheTargetsAtEightClients() {
        Options options = Options.parse(List.of("--clients", "8,32"));
        List<Report.Round> rounds = List.of(round(8, 4000, 1000, 400), round(32, 4400, 1100, 520));

        String md = new Report(options, Instant.parse("2026-12-04T14:00:00Z"), "bench/run.sh", rounds, "1 1 1", 42,
                List.of("a note")).markdown();

        assertThat(md).contains("| 8 | **CareLoop: commands** | 400.0 | 0.100 | 0.400 |")
                .contains("| 32 | **CareLoop: commands** | 520.0 | 0.118 | 0.473 |")
                .contains("| 8 | HTTP floor: `POST /api/bench/floor` | 1000.0 | 0.250 | 1.000 |")
                .contains("| CareLoop commands/s / HTTP floor ops/s, 8 clients | >= 0.5 | 0.400 | **no** |")
                .contains("| CareLoop commands/s at 32 clients / at 8 | > 1 | 1.30 | yes |")
                .contains("| 4.50 | 1.25 | 0.50 | 9.00 | 12.00 | 3.00 | 15000 | 3.00 2.00 1.00 |")
                .contains("Note: a note.");
    }

    private static Report.Round round(int clients, double raw, double floor, double commands) {
        Costs.PerOp costs = new Costs.PerOp(4.5, 1.25, 0.5, 9, 12, 3, 15_000, "3.00 2.00 1.00");
        Latencies.Summary lag = new Latencies.Summary(10, Double.NaN, 5, 20, 30);
        return new Report.Round(clients,
                new RawPostgresBaseline.Result(clients, summary(raw), costs, 0, List.of(), "PostgreSQL 14", 796, 244),
                new FloorLoad.Result(clients, summary(floor), costs, 0, List.of()),
                new CareLoopLoad.Result(clients, summary(commands), Map.of(CareLoopLoad.Step.SEND, summary(commands)),
                        new ProjectionLagProbe.Result(lag, lag, 0), costs, 0, List.of(), "Java 17"));
    }

    private static Latencies.Summary summary(double perSecond) {
        return new Latencies.Summary((long) perSecond * 30, perSecond, 10, 40, 60);
    }
}
