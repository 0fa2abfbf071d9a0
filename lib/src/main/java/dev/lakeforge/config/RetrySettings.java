package dev.lakeforge.config;

import java.time.Duration;

/** Bounded retry with exponential back-off, for writes that conflict with a concurrent writer. */
public record RetrySettings(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    static RetrySettings read(ConfigReader r) {
        return new RetrySettings(r.intInRange("lakeforge.retry.max-attempts", 1, 100),
                r.duration("lakeforge.retry.initial-backoff", Duration.ZERO),
                r.duration("lakeforge.retry.max-backoff", Duration.ZERO));
    }
}
