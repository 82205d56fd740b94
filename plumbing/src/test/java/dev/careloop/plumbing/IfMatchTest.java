package dev.careloop.plumbing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IfMatchTest {

    @Test
    void theRestEtagTheFhirWeakTagAndABareNumberNameTheSameVersion() {
        assertThat(IfMatch.parse("\"3\"")).isEqualTo(3L);
        assertThat(IfMatch.parse("W/\"3\"")).isEqualTo(3L);
        assertThat(IfMatch.parse(" 3 ")).isEqualTo(3L);
        assertThat(IfMatch.require("W/\"12\"")).isEqualTo(12L);
    }

    @Test
    void noHeaderABlankOneOrAStarNameNoVersion() {
        assertThat(IfMatch.parse(null)).isNull();
        assertThat(IfMatch.parse("  ")).isNull();
        assertThat(IfMatch.parse("*")).isNull();
    }

    @Test
    void whereAVersionIsRequiredNamingNoneIsRefusedAsMissing() {
        assertThatThrownBy(() -> IfMatch.require(null)).isInstanceOf(IfMatch.Missing.class);
        assertThatThrownBy(() -> IfMatch.require("*")).isInstanceOf(IfMatch.Missing.class);
    }

    @Test
    void somethingThatIsNoVersionIsMalformedNotMissing() {
        assertThatThrownBy(() -> IfMatch.parse("\"abc\"")).isInstanceOf(IfMatch.Malformed.class);
        assertThatThrownBy(() -> IfMatch.require("W/\"v3\"")).isInstanceOf(IfMatch.Malformed.class);
    }
}
