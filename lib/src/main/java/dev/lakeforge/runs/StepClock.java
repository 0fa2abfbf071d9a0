package dev.lakeforge.runs;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Wall time per step of one piece of work, for a log line that says where a load's time went:
 * <pre>
 *   StepClock clock = new StepClock();
 *   scan(); clock.lap("scan");
 *   write(); clock.lap("bronze");
 *   LOG.info("took {}", clock);   // "1.42 s: scan 0.05, bronze 1.37"
 * </pre>
 * A step lapped twice adds up. Not thread-safe: one clock per thread of work.
 */
public final class StepClock {
    private final Map<String, Long> nanos = new LinkedHashMap<>();
    private final long start = System.nanoTime();
    private long last = start;

    /** Ends the step running since the previous lap (or since the clock started). */
    public void lap(String step) {
        long now = System.nanoTime();
        nanos.merge(step, now - last, Long::sum);
        last = now;
    }

    /** Milliseconds per step, in the order the steps first ended. */
    public Map<String, Long> millis() {
        Map<String, Long> out = new LinkedHashMap<>();
        nanos.forEach((k, v) -> out.put(k, v / 1_000_000));
        return out;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.2f s: ", (last - start) / 1e9) + nanos.entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue() / 1e9)).collect(Collectors.joining(", "));
    }
}
