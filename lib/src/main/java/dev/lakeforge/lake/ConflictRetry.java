package dev.lakeforge.lake;

import dev.lakeforge.config.RetrySettings;
import io.delta.exceptions.DeltaConcurrentModificationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Runs a Delta write again when it lost a race with a concurrent writer (Delta's concurrent-modification
 * errors), a bounded number of times with exponential back-off and jitter. Any other error passes through.
 */
public final class ConflictRetry {
    private static final Logger LOG = LoggerFactory.getLogger(ConflictRetry.class);

    private ConflictRetry() {
    }

    public static <T> T run(RetrySettings settings, String what, Supplier<T> write) {
        Duration backoff = settings.initialBackoff();
        for (int attempt = 1; ; attempt++) {
            try {
                return write.get();
            } catch (RuntimeException e) {
                if (!isConflict(e) || attempt >= settings.maxAttempts()) {
                    if (isConflict(e)) {
                        throw new IllegalStateException(what + " conflicted with concurrent writers " + attempt
                                + " times; giving up (lakeforge.retry.max-attempts = " + settings.maxAttempts() + ")", e);
                    }
                    throw e;
                }
                long sleep = Math.min(backoff.toMillis(), settings.maxBackoff().toMillis());
                sleep += ThreadLocalRandom.current().nextLong(Math.max(1, sleep / 2 + 1));
                LOG.warn("{} conflicted with a concurrent write (attempt {}/{}): {}; retrying in {} ms", what, attempt,
                        settings.maxAttempts(), e.getClass().getSimpleName(), sleep);
                sleepQuietly(sleep);
                backoff = backoff.multipliedBy(2);
            }
        }
    }

    public static void run(RetrySettings settings, String what, Runnable write) {
        run(settings, what, () -> {
            write.run();
            return null;
        });
    }

    static boolean isConflict(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DeltaConcurrentModificationException
                    || t.getClass().getName().startsWith("org.apache.spark.sql.delta.Concurrent")
                    || t.getClass().getName().equals("org.apache.spark.sql.delta.ProtocolChangedException")
                    || t.getClass().getName().equals("org.apache.spark.sql.delta.MetadataChangedException")) {
                return true;
            }
        }
        return false;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting to retry", ie);
        }
    }
}
