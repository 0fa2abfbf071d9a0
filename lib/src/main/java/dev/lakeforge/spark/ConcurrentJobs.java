package dev.lakeforge.spark;

import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs independent pieces of work (one per source, say) that each submit Spark jobs, a few at a time, on one
 * SparkSession. Results come back in input order. When one task fails, no new task starts, the running ones
 * finish, and the first failure is thrown (later ones are attached as suppressed).
 * <pre>
 *   List&lt;R&gt; results = ConcurrentJobs.map(spark, 3, "ingest", sources, s -&gt; s.name(), s -&gt; load(s));
 * </pre>
 */
public final class ConcurrentJobs {
    private static final Logger LOG = LoggerFactory.getLogger(ConcurrentJobs.class);

    private ConcurrentJobs() {
    }

    public static <T, R> List<R> map(SparkSession spark, int parallelism, String stage, List<T> items, Function<T, String> name,
                                     Function<T, R> task) {
        if (parallelism <= 1 || items.size() <= 1) {
            List<R> out = new ArrayList<>();
            for (T item : items) {
                out.add(describe(spark, stage, name.apply(item), () -> task.apply(item)));
            }
            return out;
        }
        AtomicInteger threadNo = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, items.size()), r -> {
            Thread t = new Thread(r, "lakeforge-" + stage + "-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
        try {
            List<Future<R>> futures = new ArrayList<>();
            for (T item : items) {
                futures.add(pool.submit(() -> {
                    if (failed.get()) {
                        throw new SkippedException();
                    }
                    try {
                        return describe(spark, stage, name.apply(item), () -> task.apply(item));
                    } catch (RuntimeException | Error e) {
                        failed.set(true);
                        throw e;
                    }
                }));
            }
            List<R> out = new ArrayList<>();
            Throwable first = null;
            for (int i = 0; i < futures.size(); i++) {
                try {
                    out.add(futures.get(i).get());
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof SkippedException) {
                        continue;
                    }
                    if (first == null) {
                        first = cause;
                    } else {
                        first.addSuppressed(cause);
                    }
                    LOG.error("{} of {} failed: {}", stage, name.apply(items.get(i)), cause.toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    futures.forEach(f -> f.cancel(true));
                    throw new IllegalStateException("Interrupted while waiting for " + stage, e);
                }
            }
            if (first instanceof RuntimeException re) {
                throw re;
            }
            if (first instanceof Error err) {
                throw err;
            }
            if (first != null) {
                throw new IllegalStateException(first);
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Labels the Spark jobs the current thread submits (Spark UI, event log) while the work runs. */
    private static <R> R describe(SparkSession spark, String stage, String name, java.util.function.Supplier<R> work) {
        var sc = spark.sparkContext();
        String before = sc.getLocalProperty("spark.job.description");
        sc.setLocalProperty("spark.job.description", "lakeforge " + stage + " " + name);
        try {
            return work.get();
        } finally {
            sc.setLocalProperty("spark.job.description", before);
        }
    }

    private static final class SkippedException extends RuntimeException {
        SkippedException() {
            super("skipped after an earlier failure", null, false, false);
        }
    }
}
