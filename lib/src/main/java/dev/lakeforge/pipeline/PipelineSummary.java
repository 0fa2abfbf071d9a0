package dev.lakeforge.pipeline;

import dev.lakeforge.ingest.IngestResult;
import dev.lakeforge.marts.MartResult;
import dev.lakeforge.refine.RefineResult;
import dev.lakeforge.spark.WorkMeter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The table a pipeline run ends with: per source, rows in, rejected, out, quarantined, removed; gold tables. */
public final class PipelineSummary {
    private PipelineSummary() {
    }

    public static String format(List<IngestResult> ingest, List<RefineResult> refine, List<MartResult> marts) {
        StringBuilder sb = new StringBuilder();
        Map<String, RefineResult> bySource = new LinkedHashMap<>();
        refine.forEach(r -> bySource.put(r.source(), r));
        sb.append(String.format(Locale.ROOT, "%-22s %6s %10s %9s %10s %12s %9s %10s %10s%n", "source", "files", "lines in", "rejected",
                "refined", "quarantined", "removed", "inserted", "silver"));
        long[] totals = new long[8];
        for (IngestResult i : ingest) {
            RefineResult r = bySource.get(i.source());
            long[] row = {i.filesLoaded(), i.rowsLoaded() + i.rowsRejected(), i.rowsRejected(), r == null ? 0 : r.rowsIn(),
                    r == null ? 0 : r.quarantined(), r == null ? 0 : r.removed(), r == null ? 0 : r.inserted(), r == null ? 0 : r.silverRows()};
            for (int k = 0; k < row.length; k++) {
                totals[k] += row[k];
            }
            sb.append(String.format(Locale.ROOT, "%-22s %6d %,10d %,9d %,10d %,12d %,9d %,10d %,10d%n", i.source(), row[0], row[1], row[2],
                    row[3], row[4], row[5], row[6], row[7]));
        }
        sb.append(String.format(Locale.ROOT, "%-22s %6d %,10d %,9d %,10d %,12d %,9d %,10d %,10d%n", "total", totals[0], totals[1],
                totals[2], totals[3], totals[4], totals[5], totals[6], totals[7]));
        if (!marts.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "%n%-30s %-14s %12s %8s%n", "gold table", "write", "rows", "version"));
            for (MartResult m : marts) {
                sb.append(String.format(Locale.ROOT, "%-30s %-14s %,12d %8d%n", m.table(), m.mode(), m.rows(), m.version()));
            }
        }
        return sb.toString();
    }

    /** What each stage cost Spark (as {@link WorkMeter} measured it), one line per stage. */
    public static String formatWork(Map<String, WorkMeter.Work> work) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-8s %9s %12s %10s %10s %10s %10s %10s %10s %8s%n", "stage", "time",
                "task CPU", "read", "shuffled", "spilled", "written", "peak heap", "live heap", "GC"));
        work.forEach((stage, w) -> sb.append(String.format(Locale.ROOT, "%-8s %7.1f s %10.1f s %10s %10s %10s %10s %10s %10s %6.1f s%n", stage,
                w.millis() / 1e3, w.taskCpuMillis() / 1e3, WorkMeter.bytes(w.inputBytes()), WorkMeter.bytes(w.shuffleWriteBytes()),
                WorkMeter.bytes(w.spillBytes()), WorkMeter.bytes(w.outputBytes()), WorkMeter.bytes(w.peakHeapBytes()),
                WorkMeter.bytes(w.liveHeapBytes()), w.gcMillis() / 1e3)));
        return sb.toString();
    }
}
