package dev.careloop.command.web;

import dev.careloop.api.PatientIdentifierSystems;
import dev.careloop.command.rules.Rules;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The services an organisation offers are read from the directory once per careloop.directory.services-cache. */
class OrganisationsTest {

    private final List<String[]> directory = new ArrayList<>(List.<String[]>of(new String[]{"derm", "Dermatology"}));
    private int reads;
    private final MovableClock clock = new MovableClock();
    private final Organisations organisations = new Organisations(new JdbcTemplate() {
        @Override
        @SuppressWarnings("unchecked")
        public <T> List<T> query(String sql, RowMapper<T> rowMapper, Object... args) {
            reads++;
            return (List<T>) List.copyOf(directory);
        }
    }, new PatientIdentifierSystems(Map.of()), Duration.ofSeconds(30), clock);

    @Test
    void aSecondReferralWithinTheCacheTimeReadsNothing() {
        organisations.requireOffers("service", "riverside-derm", "derm");
        organisations.requireOffers("service", "riverside-derm", "Dermatology");

        assertThat(reads).isEqualTo(1);
    }

    @Test
    void whatTheDirectoryOffersIsReadAgainOnceTheCacheTimeIsOver() {
        organisations.requireOffers("service", "riverside-derm", "derm");
        directory.add(new String[]{"cardio", "Cardiology"});
        clock.advance(Duration.ofSeconds(31));

        organisations.requireOffers("service", "riverside-derm", "cardio");

        assertThat(reads).isEqualTo(2);
    }

    @Test
    void aServiceNotOfferedIsStillRefusedFromTheCache() {
        organisations.requireOffers("service", "riverside-derm", "derm");

        assertThatThrownBy(() -> organisations.requireOffers("service", "riverside-derm", "cardio"))
                .isInstanceOf(Rules.InvalidField.class)
                .hasMessage("riverside-derm does not offer 'cardio'; it offers Dermatology (derm)");
        assertThat(reads).isEqualTo(1);
    }

    private static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-12-04T09:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
