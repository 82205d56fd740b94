package dev.careloop.plumbing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A batch's held writes: bound to its thread, flushed part by part, refused once a handler failed. */
class HeldBatchTest {

    @AfterEach
    void closeAndForget() {
        HeldBatch batch = HeldBatch.current();
        if (batch != null) {
            batch.close();
        }
        HeldBatch.wroteThrough();
    }

    @Test
    void aBatchIsHeldOnItsOwnThreadOnlyUntilItCloses() throws InterruptedException {
        assertThat(HeldBatch.holding()).isFalse();
        HeldBatch batch = HeldBatch.open();
        assertThat(HeldBatch.current()).isSameAs(batch);
        boolean[] elsewhere = new boolean[1];
        Thread other = new Thread(() -> elsewhere[0] = HeldBatch.holding());
        other.start();
        other.join();
        assertThat(elsewhere[0]).isFalse();
        assertThatThrownBy(HeldBatch::open).isInstanceOf(IllegalStateException.class);

        batch.close();
        assertThat(HeldBatch.holding()).isFalse();
    }

    @Test
    void partsFlushInTheOrderTheyWereFirstAskedFor() {
        List<String> written = new ArrayList<>();
        HeldBatch batch = HeldBatch.open();
        Object rows = new Object();
        Object audiences = new Object();
        HeldBatch.Upserts<String, String> first = batch.part(rows,
                () -> new HeldBatch.Upserts<>((kept, next) -> next, written::addAll));
        HeldBatch.Upserts<String, String> second = batch.part(audiences,
                () -> new HeldBatch.Upserts<>((kept, next) -> next, written::addAll));
        second.put("a", "audience a");
        first.put("x", "row x v1");
        first.put("y", "row y");
        first.put("x", "row x v2");
        assertThat(batch.<HeldBatch.Upserts<String, String>>part(rows, () -> null)).isSameAs(first);
        assertThat(written).isEmpty();

        batch.flush();

        // One row per key, the keys in the order first put; the first part asked for first.
        assertThat(written).containsExactly("row x v2", "row y", "audience a");
        batch.flush();
        assertThat(written).hasSize(3);
    }

    @Test
    void aFailedHandlerRefusesTheFlushAndTheNextBatchWritesThrough() {
        List<String> written = new ArrayList<>();
        HeldBatch batch = HeldBatch.open();
        batch.<HeldBatch.Upserts<String, String>>part("rows",
                () -> new HeldBatch.Upserts<>((kept, next) -> next, written::addAll)).put("x", "row x");
        HeldBatch.handlerFailed(new IllegalStateException("boom"));
        HeldBatch.handlerFailed(new IllegalArgumentException("later"));

        assertThatThrownBy(batch::flush).hasMessageContaining("IllegalStateException: boom")
                .hasMessageNotContaining("later");
        assertThat(written).isEmpty();
        HeldBatch.rolledBack();
        batch.close();
        assertThat(HeldBatch.writeThroughNext()).isTrue();
        HeldBatch.wroteThrough();
        assertThat(HeldBatch.writeThroughNext()).isFalse();
    }
}
