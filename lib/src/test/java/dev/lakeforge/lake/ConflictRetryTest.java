package dev.lakeforge.lake;

import dev.lakeforge.config.RetrySettings;
import io.delta.exceptions.ConcurrentAppendException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConflictRetryTest {
    static final RetrySettings FAST = new RetrySettings(3, Duration.ofMillis(1), Duration.ofMillis(5));

    @Test
    void retriesAConcurrentModificationUntilItSucceeds() {
        AtomicInteger calls = new AtomicInteger();
        String result = ConflictRetry.run(FAST, "merge into silver.x", () -> {
            if (calls.incrementAndGet() < 3) {
                throw new ConcurrentAppendException("files were added by a concurrent update");
            }
            return "done";
        });
        assertThat(result).isEqualTo("done");
        assertThat(calls).hasValue(3);
    }

    @Test
    void givesUpAfterTheBoundWithAClearMessage() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> ConflictRetry.run(FAST, "merge into silver.x", () -> {
            calls.incrementAndGet();
            throw new ConcurrentAppendException("conflict");
        })).hasMessageContaining("merge into silver.x conflicted with concurrent writers 3 times")
                .hasMessageContaining("lakeforge.retry.max-attempts = 3");
        assertThat(calls).hasValue(3);
    }

    @Test
    void otherErrorsAreNotRetried() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> ConflictRetry.run(FAST, "write", () -> {
            calls.incrementAndGet();
            throw new IllegalStateException("disk full");
        })).isInstanceOf(IllegalStateException.class).hasMessage("disk full");
        assertThat(calls).hasValue(1);
    }
}
