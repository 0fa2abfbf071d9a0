package dev.lakeforge.quality;

import dev.lakeforge.lake.Lakehouse;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

/**
 * The quality gate a scheduler puts between refine and everything that reads silver: for one run date, the latest
 * checks of every table (from {@code ops.quality_results}) must hold — no failed {@code fail} check, and no
 * {@code quarantine} or {@code fail} check refusing more than a share of its rows. No results for the date at all is a
 * failure too (refine did not run). {@link #execute()} returns what it found; {@link Verdict#passed()} decides.
 */
public final class QualityGateAction {
    /** One check that broke the gate. */
    public record Violation(String table, String check, String action, long failedRows, long totalRows, String why) {
    }

    /**
     * @param tables tables checked on the run date
     * @param checks checks looked at
     */
    public record Verdict(LocalDate runDate, int tables, int checks, double maxFailedShare, List<Violation> violations) {
        public boolean passed() {
            return tables > 0 && violations.isEmpty();
        }

        public String summary() {
            if (tables == 0) {
                return "no quality results for run date " + runDate + " in " + QualityResults.TABLE + ": has refine run for that date?";
            }
            if (violations.isEmpty()) {
                return String.format(Locale.ROOT, "quality gate passed for %s: %d checks on %d tables, none refused more than %.1f%% of its rows",
                        runDate, checks, tables, maxFailedShare * 100);
            }
            return "quality gate failed for " + runDate + ": " + String.join("; ", violations.stream()
                    .map(v -> v.table() + " " + v.check() + " (" + v.action() + "): " + v.why()).toList());
        }
    }

    private final Lakehouse lakehouse;
    private LocalDate runDate;
    private double maxFailedShare = 0.05;

    public QualityGateAction(Lakehouse lakehouse) {
        this.lakehouse = lakehouse;
    }

    public QualityGateAction runDate(LocalDate runDate) {
        this.runDate = runDate;
        return this;
    }

    /** The most a quarantine or fail check may refuse of its rows (0–1, default 0.05). */
    public QualityGateAction maxFailedShare(double share) {
        this.maxFailedShare = checkShare(share);
        return this;
    }

    /** The share if {@link #maxFailedShare} takes it (0 to 1), else IllegalArgumentException saying so. */
    public static double checkShare(double share) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("max failed share " + share + ": expected a share from 0 to 1, e.g. 0.05");
        }
        return share;
    }

    public Verdict execute() {
        Dataset<Row> day = new QualityResults(lakehouse).all().where(col("run_date").equalTo(lit(java.sql.Date.valueOf(runDate))));
        // each table's latest run on that date
        List<Row> rows = day.withColumn("__last", max("recorded_at").over(org.apache.spark.sql.expressions.Window.partitionBy("table")))
                .where(col("recorded_at").equalTo(col("__last")))
                .select(col("table"), col("check"), col("action"), col("passed"), col("failed_rows"), col("total_rows")).collectAsList();
        List<Violation> violations = new ArrayList<>();
        java.util.Set<String> tables = new java.util.TreeSet<>();
        for (Row r : rows) {
            String table = r.getString(0);
            tables.add(table);
            String action = r.getString(2);
            long failed = r.getLong(4);
            long total = r.getLong(5);
            double share = total == 0 ? 0 : (double) failed / total;
            if ("fail".equals(action) && !r.getBoolean(3)) {
                violations.add(new Violation(table, r.getString(1), action, failed, total, "failed"));
            } else if (("quarantine".equals(action) || "fail".equals(action)) && share > maxFailedShare) {
                violations.add(new Violation(table, r.getString(1), action, failed, total, String.format(Locale.ROOT,
                        "refused %,d of %,d rows (%.1f%% > %.1f%%)", failed, total, share * 100, maxFailedShare * 100)));
            }
        }
        return new Verdict(runDate, tables.size(), rows.size(), maxFailedShare, List.copyOf(violations));
    }
}
