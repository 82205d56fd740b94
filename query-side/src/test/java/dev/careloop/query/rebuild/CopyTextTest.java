package dev.careloop.query.rebuild;

import dev.careloop.query.replay.RowTable;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CopyTextTest {

    private static final RowTable<Object[]> TABLE = RowTable.<Object[]>named("t")
            .column("id", r -> r[0])
            .column("at", r -> r[1])
            .textArray("tags", r -> (List<String>) r[2])
            .json("details", r -> (String) r[3])
            .column("flag", r -> r[4])
            .column("born", r -> r[5])
            .key("id")
            .reader(rs -> null);

    private static String line(Object... values) {
        StringBuilder out = new StringBuilder();
        CopyText.append(out, TABLE, values);
        return out.toString();
    }

    @Test
    void timestampsAreRoundedToTheMicrosecondHalfUpAsTheDriverSendsThem() {
        assertThat(line("a", Instant.parse("2026-11-23T21:18:53.331000499Z"), null, null, null, null))
                .isEqualTo("a\t2026-11-23 21:18:53.331000+00\t\\N\t\\N\t\\N\t\\N\n");
        assertThat(line("a", Instant.parse("2026-11-23T21:18:53.331000500Z"), null, null, null, null))
                .startsWith("a\t2026-11-23 21:18:53.331001+00\t");
    }

    @Test
    void roundingUpTheLastMicrosecondCarriesIntoTheNextDay() {
        assertThat(line("a", Instant.parse("1999-12-31T23:59:59.999999700Z"), null, null, null, null))
                .startsWith("a\t2000-01-01 00:00:00.000000+00\t");
    }

    @Test
    void textIsEscapedForCopyAndArrayElementsAreQuoted() {
        assertThat(line("tab\there\\and\nnew", null, List.of("a,b", "say \"hi\"", "back\\slash", "NULL"),
                "{\"k\": \"v\\n\"}", true, LocalDate.of(1980, 4, 2)))
                .isEqualTo("tab\\there\\\\and\\nnew\t\\N\t{\"a,b\",\"say \\\\\"hi\\\\\"\",\"back\\\\\\\\slash\","
                        + "\"NULL\"}\t{\"k\": \"v\\\\n\"}\tt\t1980-04-02\n");
    }

    @Test
    void nullArrayElementsStayNull() {
        assertThat(line("a", null, Arrays.asList("x", null), null, false, null))
                .isEqualTo("a\t\\N\t{\"x\",NULL}\t\\N\tf\t\\N\n");
    }
}
