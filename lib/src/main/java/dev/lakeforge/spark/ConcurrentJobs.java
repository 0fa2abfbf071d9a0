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
        ExecutorService pool = pool(stage, Math.min(parallelism, items.size()));
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
            rethrow(first);
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * As {@link #map}, but an item starts only once every one of its {@code prerequisites} (those in {@code items})
     * has finished: a source waits for the dimensions it checks references against, and no longer — not for a whole
     * level of unrelated sources. Among the items ready to start, the earlier in {@code items} starts first, so list
     * them in priority order. When one fails, no new item starts, the running ones finish, and the first failure is
     * thrown. Results come back in input order.
     *
     * @throws IllegalArgumentException when the prerequisites form a cycle (checked before anything runs)
     */
    public static <T, R> List<R> mapAfter(SparkSession spark, int parallelism, String stage, List<T> items, Function<T, String> name,
                                          Function<T, java.util.Collection<T>> prerequisites, Function<T, R> task) {
        int n = items.size();
        List<java.util.Set<Integer>> waitingOn = new ArrayList<>();
        for (T item : items) {
            java.util.Set<Integer> deps = new java.util.HashSet<>();
            for (T p : prerequisites.apply(item)) {
                int j = items.indexOf(p);
                if (j >= 0 && p != item) {
                    deps.add(j);
                }
            }
            waitingOn.add(deps);
        }
        requireNoCycle(items, name, waitingOn);
        Object[] results = new Object[n];
        boolean[] started = new boolean[n];
        int threads = Math.max(1, Math.min(parallelism, n));
        ExecutorService pool = threads <= 1 ? null : pool(stage, threads);
        java.util.concurrent.ExecutorCompletionService<Integer> done = pool == null ? null
                : new java.util.concurrent.ExecutorCompletionService<>(pool);
        Throwable first = null;
        int running = 0;
        try {
            while (true) {
                while (first == null && running < threads) {
                    int next = -1;
                    for (int i = 0; i < n && next < 0; i++) {
                        if (!started[i] && waitingOn.get(i).isEmpty()) {
                            next = i;
                        }
                    }
                    if (next < 0) {
                        break;
                    }
                    started[next] = true;
                    int i = next;
                    T item = items.get(i);
                    if (pool == null) {
                        try {
                            results[i] = describe(spark, stage, name.apply(item), () -> task.apply(item));
                            finished(waitingOn, i);
                        } catch (RuntimeException | Error e) {
                            first = e;
                            LOG.error("{} of {} failed: {}", stage, name.apply(item), e.toString());
                        }
                        continue;
                    }
                    done.submit(() -> {
                        results[i] = describe(spark, stage, name.apply(item), () -> task.apply(item));
                        return i;
                    });
                    running++;
                }
                if (running == 0) {
                    break;
                }
                Future<Integer> f;
                try {
                    f = done.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for " + stage, e);
                }
                running--;
                try {
                    finished(waitingOn, f.get());
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (first == null) {
                        first = cause;
                    } else {
                        first.addSuppressed(cause);
                    }
                    LOG.error("{} failed: {}", stage, cause.toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for " + stage, e);
                }
            }
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
        rethrow(first);
        List<R> out = new ArrayList<>();
        for (Object r : results) {
            @SuppressWarnings("unchecked")
            R typed = (R) r;
            out.add(typed);
        }
        return out;
    }

    /** Daemon threads named {@code lakeforge-<stage>-<n>}. */
    private static ExecutorService pool(String stage, int threads) {
        AtomicInteger threadNo = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "lakeforge-" + stage + "-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Throws the first failure as it was (wrapped only when it is a checked exception); nothing when there was none. */
    private static void rethrow(Throwable first) {
        if (first instanceof RuntimeException re) {
            throw re;
        }
        if (first instanceof Error err) {
            throw err;
        }
        if (first != null) {
            throw new IllegalStateException(first);
        }
    }

    private static void finished(List<java.util.Set<Integer>> waitingOn, int i) {
        waitingOn.forEach(w -> w.remove(i));
    }

    private static <T> void requireNoCycle(List<T> items, Function<T, String> name, List<java.util.Set<Integer>> waitingOn) {
        List<java.util.Set<Integer>> left = new ArrayList<>();
        waitingOn.forEach(w -> left.add(new java.util.HashSet<>(w)));
        boolean[] done = new boolean[items.size()];
        boolean progress = true;
        while (progress) {
            progress = false;
            for (int i = 0; i < items.size(); i++) {
                if (!done[i] && left.get(i).isEmpty()) {
                    done[i] = true;
                    progress = true;
                    int fi = i;
                    left.forEach(w -> w.remove(fi));
                }
            }
        }
        List<String> stuck = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            if (!done[i]) {
                stuck.add(name.apply(items.get(i)));
            }
        }
        if (!stuck.isEmpty()) {
            throw new IllegalArgumentException("These wait for each other in a cycle, so none can start: " + stuck);
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
