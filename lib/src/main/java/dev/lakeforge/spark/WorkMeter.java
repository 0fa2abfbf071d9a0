package dev.lakeforge.spark;

import org.apache.spark.SparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a piece of a job cost Spark: wall time, the tasks' CPU time, bytes read from input, shuffled (written and
 * read), spilled and written, the peak driver heap and the collection time. One meter per session, spans one after
 * the other (a pipeline's stages):
 * <pre>
 *   try (WorkMeter meter = WorkMeter.on(spark)) {
 *       WorkMeter.Span span = meter.start();
 *       ... // the stage's Spark work
 *       WorkMeter.Work w = span.stop();
 *   }
 * </pre>
 * The meter listens to every task that ends in the session and keeps running totals; a span is the difference
 * between the totals at its start and at its stop (taken after the listener bus has delivered every event), so
 * work running concurrently in the same session counts in the span it ran in. In local mode the executors are the
 * driver JVM, so the peak heap is everything the job held.
 */
public final class WorkMeter implements AutoCloseable {
    private final SparkContext sc;
    private final Listener listener = new Listener();
    private final HeapSampler heap = new HeapSampler();

    private WorkMeter(SparkContext sc) {
        this.sc = sc;
        sc.addSparkListener(listener);
    }

    public static WorkMeter on(SparkSession spark) {
        return new WorkMeter(spark.sparkContext());
    }

    /** Starts a span; the peak heap restarts from what is in use now. */
    public Span start() {
        drain();
        heap.reset();
        return new Span(totals(), System.nanoTime(), gcMillis());
    }

    /**
     * The cost of one span.
     *
     * @param millis            wall time
     * @param taskCpuMillis     CPU time of the tasks (executors), not of the driver's own work
     * @param tasks             tasks that ended
     * @param inputBytes        bytes the tasks read from files and tables
     * @param shuffleWriteBytes bytes written to shuffle files
     * @param shuffleReadBytes  bytes read from shuffles (local and remote)
     * @param spillBytes        bytes spilled to disk
     * @param outputBytes       bytes the tasks wrote to files and tables
     * @param peakHeapBytes     the most heap in use in this JVM during the span (garbage included: how far the
     *                          collector let the heap fill)
     * @param liveHeapBytes     the most heap a collection during the span left in use (what the work held; -1 when
     *                          no collection ran)
     * @param gcMillis          collection time of this JVM during the span
     */
    public record Work(long millis, long taskCpuMillis, long tasks, long inputBytes, long shuffleWriteBytes, long shuffleReadBytes,
                       long spillBytes, long outputBytes, long peakHeapBytes, long liveHeapBytes, long gcMillis) {

        /** As run-record counters, {@code <prefix>.<name>}. */
        public Map<String, Long> counters(String suffix) {
            Map<String, Long> m = new LinkedHashMap<>();
            m.put("stage_ms." + suffix, millis);
            m.put("stage_task_cpu_ms." + suffix, taskCpuMillis);
            m.put("stage_tasks." + suffix, tasks);
            m.put("stage_input_bytes." + suffix, inputBytes);
            m.put("stage_shuffle_write_bytes." + suffix, shuffleWriteBytes);
            m.put("stage_shuffle_read_bytes." + suffix, shuffleReadBytes);
            m.put("stage_spill_bytes." + suffix, spillBytes);
            m.put("stage_output_bytes." + suffix, outputBytes);
            m.put("stage_peak_heap_bytes." + suffix, peakHeapBytes);
            m.put("stage_live_heap_bytes." + suffix, liveHeapBytes);
            m.put("stage_gc_ms." + suffix, gcMillis);
            return m;
        }

        /** The work a pipeline recorded for a stage (the counters {@link #counters} wrote), null when it recorded none. */
        public static Work fromCounters(Map<String, Long> counters, String suffix) {
            if (!counters.containsKey("stage_ms." + suffix)) {
                return null;
            }
            java.util.function.ToLongFunction<String> c = n -> counters.getOrDefault(n + "." + suffix, -1L);
            return new Work(c.applyAsLong("stage_ms"), c.applyAsLong("stage_task_cpu_ms"), c.applyAsLong("stage_tasks"),
                    c.applyAsLong("stage_input_bytes"), c.applyAsLong("stage_shuffle_write_bytes"), c.applyAsLong("stage_shuffle_read_bytes"),
                    c.applyAsLong("stage_spill_bytes"), c.applyAsLong("stage_output_bytes"), c.applyAsLong("stage_peak_heap_bytes"),
                    c.applyAsLong("stage_live_heap_bytes"), c.applyAsLong("stage_gc_ms"));
        }

        /** One line for logs: {@code 41.2 s, tasks 52.3 s CPU, read 1.2 GB, shuffled 310 MB, …, peak heap 2.1 GB, …}. */
        public String summary() {
            return String.format(Locale.ROOT, "%.1f s, tasks %.1f s CPU, read %s, shuffled %s, spilled %s, wrote %s, peak heap %s, live after GC %s, GC %.1f s",
                    millis / 1e3, taskCpuMillis / 1e3, bytes(inputBytes), bytes(shuffleWriteBytes), bytes(spillBytes), bytes(outputBytes),
                    bytes(peakHeapBytes), bytes(liveHeapBytes), gcMillis / 1e3);
        }
    }

    /** A measurement in progress. */
    public final class Span {
        private final long[] at;
        private final long t0;
        private final long gc0;

        private Span(long[] at, long t0, long gc0) {
            this.at = at;
            this.t0 = t0;
            this.gc0 = gc0;
        }

        public Work stop() {
            long ms = (System.nanoTime() - t0) / 1_000_000;
            drain();
            long[] now = totals();
            long[] d = new long[now.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = now[i] - at[i];
            }
            return new Work(ms, d[0] / 1_000_000, d[1], d[2], d[3], d[4], d[5], d[6], heap.peak(), heap.maxAfterGc(), gcMillis() - gc0);
        }
    }

    /** Human-readable bytes: {@code 0 B}, {@code 512 KB}, {@code 1.2 GB}. */
    public static String bytes(long b) {
        if (b < 0) {
            return "–";
        }
        if (b < 1024) {
            return b + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : "%.1f %s", v, units[u]);
    }

    private long[] totals() {
        return new long[]{listener.cpuNanos.sum(), listener.tasks.sum(), listener.input.sum(), listener.shuffleWrite.sum(),
                listener.shuffleRead.sum(), listener.spill.sum(), listener.output.sum()};
    }

    /** Waits until the listener bus delivered the events posted so far, so the totals include every task that ended. */
    private void drain() {
        try {
            sc.listenerBus().waitUntilEmpty(60_000);
        } catch (java.util.concurrent.TimeoutException | RuntimeException e) {
            // a bus that does not empty in a minute: the totals may miss the last tasks, which the next span then counts
        }
    }

    /** Collection time of this JVM so far. */
    public static long gcMillis() {
        long sum = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, gc.getCollectionTime());
        }
        return sum;
    }

    @Override
    public void close() {
        sc.removeSparkListener(listener);
        heap.close();
    }

    private static final class Listener extends SparkListener {
        final LongAdder cpuNanos = new LongAdder();
        final LongAdder tasks = new LongAdder();
        final LongAdder input = new LongAdder();
        final LongAdder shuffleWrite = new LongAdder();
        final LongAdder shuffleRead = new LongAdder();
        final LongAdder spill = new LongAdder();
        final LongAdder output = new LongAdder();

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
            TaskMetrics m = end.taskMetrics();
            tasks.increment();
            if (m == null) {
                return;
            }
            cpuNanos.add(m.executorCpuTime());
            input.add(m.inputMetrics().bytesRead());
            shuffleWrite.add(m.shuffleWriteMetrics().bytesWritten());
            shuffleRead.add(m.shuffleReadMetrics().totalBytesRead());
            spill.add(m.diskBytesSpilled());
            output.add(m.outputMetrics().bytesWritten());
        }
    }
}
