package dev.lakeforge.lake;

import dev.lakeforge.runs.JobRun;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Writes a result table (gold) in one Delta commit — the whole table, or only the rows a {@code replaceWhere}
 * predicate selects, so a re-run of the same date replaces exactly what it wrote before — and records the
 * write in the run.
 * <pre>
 *   ResultTable.Written w = ResultTable.of(lakehouse, gold("churn_scores")).replaceWhere("as_of_date = '2024-07-03'").write(df, run);
 * </pre>
 */
public final class ResultTable {
    private final Lakehouse lakehouse;
    private final TableName table;
    private String replaceWhere;

    private ResultTable(Lakehouse lakehouse, TableName table) {
        this.lakehouse = lakehouse;
        this.table = table;
    }

    public static ResultTable of(Lakehouse lakehouse, TableName table) {
        return new ResultTable(lakehouse, table);
    }

    /** Replace only the rows matching this predicate (every written row must match it); the whole table otherwise. */
    public ResultTable replaceWhere(String predicate) {
        this.replaceWhere = predicate;
        return this;
    }

    /** The table, its Delta version and row count after a write. */
    public record Written(TableName table, long version, long rows) {
    }

    public Written write(Dataset<Row> df, JobRun run) {
        boolean partial = replaceWhere != null && lakehouse.exists(table);
        ConflictRetry.run(lakehouse.retry(), (partial ? "replace rows in " : "overwrite ") + table, () -> {
            var w = df.write().format("delta").mode("overwrite");
            w = partial ? w.option("replaceWhere", replaceWhere).option("mergeSchema", "true") : w.option("overwriteSchema", "true");
            w.save(lakehouse.path(table));
        });
        long version = lakehouse.version(table).orElseThrow();
        long rows = lakehouse.read(table).count();
        if (run != null) {
            run.wrote(table.toString(), version, rows);
        }
        return new Written(table, version, rows);
    }
}
