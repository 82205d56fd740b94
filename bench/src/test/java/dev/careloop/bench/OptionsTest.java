package dev.careloop.bench;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OptionsTest {

    @AfterEach
    void clearProperties() {
        System.clearProperty("bench.clients");
        System.clearProperty("bench.raw-only");
    }

    @Test
    void withoutArgumentsMeasuresBothPhasesAgainstTheLocalDefaults() {
        Options options = Options.parse(List.of());

        assertThat(options.baseUrl()).isEqualTo(URI.create("http://localhost:8080"));
        assertThat(options.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
        assertThat(options.clients()).containsExactly(1, 8, 32);
        assertThat(options.seconds()).isEqualTo(30);
        assertThat(options.warmupSeconds()).isEqualTo(5);
        assertThat(options.out()).isNull();
        assertThat(options.rawOnly()).isFalse();
        assertThat(options.httpOnly()).isFalse();
        assertThat(options.skipFloor()).isFalse();
        assertThat(options.appPid()).isZero();
    }

    @Test
    void runsEachPhaseAtEveryClientCountGivenInTheOrderGiven() {
        Options options = Options.parse(List.of("--clients", "32,1, 8", "--skip-floor", "--app-pid=4242"));

        assertThat(options.clients()).containsExactly(32, 1, 8);
        assertThat(options.skipFloor()).isTrue();
        assertThat(options.appPid()).isEqualTo(4242);
        assertThatThrownBy(() -> Options.parse(List.of("--clients", "8,8")))
                .hasMessageContaining("distinct whole numbers of 1 or more");
        assertThatThrownBy(() -> Options.parse(List.of("--clients", "1,x")))
                .hasMessageContaining("not '1,x'");
    }

    @Test
    void acceptsSeparateAndEqualsSignValues() {
        Options options = Options.parse(List.of("--clients", "4", "--seconds=10", "--out", "r.md",
                "--base-url=http://127.0.0.1:9090/", "--raw-only"));

        assertThat(options.clients()).containsExactly(4);
        assertThat(options.seconds()).isEqualTo(10);
        assertThat(options.out()).isEqualTo(Path.of("r.md"));
        assertThat(options.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:9090"));
        assertThat(options.rawOnly()).isTrue();
    }

    @Test
    void systemPropertiesStandInForMissingArguments() {
        System.setProperty("bench.clients", "2");
        System.setProperty("bench.raw-only", "true");

        Options options = Options.parse(List.of());

        assertThat(options.clients()).containsExactly(2);
        assertThat(options.rawOnly()).isTrue();
    }

    @Test
    void refusesWhatItDoesNotUnderstand() {
        assertThatThrownBy(() -> Options.parse(List.of("--client", "4")))
                .hasMessageContaining("unknown option --client");
        assertThatThrownBy(() -> Options.parse(List.of("--clients", "0")))
                .hasMessageContaining("1 or more");
        assertThatThrownBy(() -> Options.parse(List.of("--seconds")))
                .hasMessageContaining("needs a value");
        assertThatThrownBy(() -> Options.parse(List.of("--raw-only", "--http-only")))
                .hasMessageContaining("exclude each other");
    }

    @Test
    void helpAsksForTheUsage() {
        assertThat(Options.parse(List.of("--help"))).isNull();
    }
}
