package dev.careloop.plumbing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReadPositionsTest {

    @Test
    void aPositionAsAWriteAnsweredItIsRead() {
        assertThat(ReadPositions.parse("0")).hasValue(0);
        assertThat(ReadPositions.parse(" 4711 ")).hasValue(4711);
    }

    @Test
    void anythingButAWholeNumberOfZeroOrMoreIsRefused() {
        assertThat(ReadPositions.parse("latest")).isEmpty();
        assertThat(ReadPositions.parse("-1")).isEmpty();
        assertThat(ReadPositions.parse("1.5")).isEmpty();
        assertThat(ReadPositions.parse("")).isEmpty();
        assertThat(ReadPositions.parse("99999999999999999999")).isEmpty();
    }
}
