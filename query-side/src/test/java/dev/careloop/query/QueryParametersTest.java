package dev.careloop.query;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Dates as a person writes them: a whole day in UTC, or an instant with any offset; anything else is named. */
class QueryParametersTest {

    @Test
    void aDateIsItsFirstInstantInUtcAsAStartAndTheFirstInstantOfTheNextDayAsAnEnd() {
        QueryParameters p = new QueryParameters();

        assertThat(p.instant("from", "2026-12-01", false)).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(p.instant("to", "2026-12-01", true)).isEqualTo(Instant.parse("2026-12-02T00:00:00Z"));
        assertThat(p.instant("to", "2026-12-31", true)).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
    }

    @Test
    void anInstantTakesZOrAnOffsetAndIsTheSameAsAStartOrAnEnd() {
        QueryParameters p = new QueryParameters();

        assertThat(p.instant("from", "2026-12-01T09:00:00Z", false)).isEqualTo(Instant.parse("2026-12-01T09:00:00Z"));
        assertThat(p.instant("to", "2026-12-01T10:00:00+01:00", true))
                .isEqualTo(Instant.parse("2026-12-01T09:00:00Z"));
        assertThat(p.instant("from", null, false)).isNull();
        p.failIfAny();
    }

    @Test
    void everyMalformedDateIsNamedWithTheFormsItTakesInOneAnswer() {
        QueryParameters p = new QueryParameters();
        p.instant("from", "01/12/2026", false);
        p.instant("to", "2026-12-01T09:00:00", true);
        p.instant("asOf", "2026-02-30", false);

        ErrorResponseException refused = catchThrowableOfType(ErrorResponseException.class, p::failIfAny);

        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        @SuppressWarnings("unchecked")
        List<Map<String, String>> errors = (List<Map<String, String>>) refused.getBody().getProperties().get("errors");
        assertThat(errors).extracting(e -> e.get("field")).containsExactly("from", "to", "asOf");
        assertThat(errors.get(0).get("message")).contains("2026-12-01").contains("2026-12-01T09:00:00Z");
    }
}
