package dev.lakeforge.runs;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The few lines a job prints when it ends. */
public final class RunSummary {
    private RunSummary() {
    }

    public static String format(RunRecord r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%n== %s %s — run %s, run date %s, %.1f s%n", r.job(), r.status(), r.runId(),
                r.runDate(), r.duration().toMillis() / 1000.0));
        if (!r.tables().isEmpty()) {
            sb.append(String.format(Locale.ROOT, "   %-36s %-6s %8s %12s%n", "table", "access", "version", "rows"));
            for (TableAccess t : r.tables()) {
                sb.append(String.format(Locale.ROOT, "   %-36s %-6s %8d %,12d%n", t.table(), t.access().name().toLowerCase(Locale.ROOT),
                        t.version(), t.rows()));
            }
        }
        Map<String, Long> metrics = new TreeMap<>(r.metrics());
        if (metrics.size() > 16) {
            sb.append("   ").append(metrics.size()).append(" counters recorded in the run record (lakeforge show --table ops.job_runs)")
                    .append(System.lineSeparator());
        } else if (!metrics.isEmpty()) {
            sb.append("   ");
            metrics.forEach((k, v) -> sb.append(k).append('=').append(String.format(Locale.ROOT, "%,d", v)).append("  "));
            sb.append(System.lineSeparator());
        }
        if (r.errorMessage() != null) {
            sb.append("   error: ").append(r.errorMessage()).append(System.lineSeparator());
        }
        return sb.toString();
    }
}
