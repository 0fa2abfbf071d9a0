package dev.lakeforge.quality;

import dev.lakeforge.lake.ConflictRetry;
import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.lake.TableName;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.apache.spark.sql.functions.col;

/** The results of every check, with counts: {@code ops.quality_results}. */
public final class QualityResults {
    public static final TableName TABLE = TableName.of("ops", "quality_results");
    static final StructType SCHEMA = new StructType(new StructField[]{
            DataTypes.createStructField("run_id", DataTypes.StringType, false),
            DataTypes.createStructField("run_date", DataTypes.DateType, false),
            DataTypes.createStructField("table", DataTypes.StringType, false),
            DataTypes.createStructField("check", DataTypes.StringType, false),
            DataTypes.createStructField("kind", DataTypes.StringType, false),
            DataTypes.createStructField("action", DataTypes.StringType, false),
            DataTypes.createStructField("passed", DataTypes.BooleanType, false),
            DataTypes.createStructField("failed_rows", DataTypes.LongType, false),
            DataTypes.createStructField("total_rows", DataTypes.LongType, false),
            DataTypes.createStructField("details", DataTypes.StringType, true),
            DataTypes.createStructField("recorded_at", DataTypes.TimestampType, false)});

    private final Lakehouse lakehouse;

    public QualityResults(Lakehouse lakehouse) {
        this.lakehouse = lakehouse;
    }

    /** One check's outcome. {@code kind}: required, type, expectation, reference, unit, table. */
    public record Result(String table, String check, String kind, String action, boolean passed, long failedRows, long totalRows,
                         String details) {
    }

    public void append(String runId, LocalDate runDate, List<Result> results, String txnAppId, long txnVersion) {
        if (results.isEmpty()) {
            return;
        }
        Timestamp now = Timestamp.from(Instant.now());
        List<Row> rows = new ArrayList<>();
        for (Result r : results) {
            rows.add(RowFactory.create(runId, Date.valueOf(runDate), r.table(), r.check(), r.kind(), r.action(), r.passed(),
                    r.failedRows(), r.totalRows(), r.details(), now));
        }
        Dataset<Row> df = lakehouse.spark().createDataFrame(rows, SCHEMA).coalesce(1);
        ConflictRetry.run(lakehouse.retry(), "append to " + TABLE, () -> {
            var w = df.write().format("delta").mode("append");
            if (txnAppId != null) {
                w = w.option("txnAppId", txnAppId).option("txnVersion", txnVersion);
            }
            w.save(lakehouse.path(TABLE));
        });
    }

    public Dataset<Row> all() {
        if (!lakehouse.exists(TABLE)) {
            return lakehouse.spark().createDataFrame(List.of(), SCHEMA);
        }
        return lakehouse.read(TABLE);
    }

    /** The results of a table's latest run that checked it (or of the given run). */
    public List<Row> latest(String table, Optional<String> runId) {
        Dataset<Row> forTable = all().where(col("table").equalTo(table));
        String run = runId.orElseGet(() -> {
            List<Row> last = forTable.orderBy(col("recorded_at").desc()).select("run_id").limit(1).collectAsList();
            return last.isEmpty() ? "" : last.get(0).getString(0);
        });
        return forTable.where(col("run_id").equalTo(run)).orderBy("kind", "check").collectAsList();
    }
}
