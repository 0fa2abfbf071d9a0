package dev.lakeforge.runs;

import dev.lakeforge.lake.ConflictRetry;
import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.lake.TableName;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;

/**
 * The Delta table of run records ({@code ops.job_runs} by default): one appended row per job invocation.
 * Appends never conflict with each other, so concurrent jobs can all record their runs.
 */
public final class RunRecordStore {
    public static final StructType TABLE_ACCESS = new StructType(new StructField[]{
            DataTypes.createStructField("table", DataTypes.StringType, false),
            DataTypes.createStructField("access", DataTypes.StringType, false),
            DataTypes.createStructField("version", DataTypes.LongType, false),
            DataTypes.createStructField("rows", DataTypes.LongType, false)});

    public static final StructType SCHEMA = new StructType(new StructField[]{
            DataTypes.createStructField("run_id", DataTypes.StringType, false),
            DataTypes.createStructField("job", DataTypes.StringType, false),
            DataTypes.createStructField("run_date", DataTypes.DateType, false),
            DataTypes.createStructField("started_at", DataTypes.TimestampType, false),
            DataTypes.createStructField("ended_at", DataTypes.TimestampType, true),
            DataTypes.createStructField("duration_ms", DataTypes.LongType, true),
            DataTypes.createStructField("status", DataTypes.StringType, false),
            DataTypes.createStructField("error_message", DataTypes.StringType, true),
            DataTypes.createStructField("config_hash", DataTypes.StringType, true),
            DataTypes.createStructField("project_version", DataTypes.StringType, true),
            DataTypes.createStructField("environment", DataTypes.StringType, true),
            DataTypes.createStructField("tables", DataTypes.createArrayType(TABLE_ACCESS, false), true),
            DataTypes.createStructField("metrics", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType, false), true)});

    private final Lakehouse lakehouse;
    private final TableName table;

    public RunRecordStore(Lakehouse lakehouse, TableName table) {
        this.lakehouse = lakehouse;
        this.table = table;
    }

    /** The run records the configuration names ({@code lakeforge.runs.table}). */
    public static RunRecordStore of(Lakehouse lakehouse, dev.lakeforge.config.LakeforgeConfig config) {
        return new RunRecordStore(lakehouse, TableName.parse(config.runs().table()));
    }

    public TableName table() {
        return table;
    }

    public void append(RunRecord r) {
        Row row = row(r);
        Dataset<Row> df = lakehouse.spark().createDataFrame(List.of(row), SCHEMA).coalesce(1);
        ConflictRetry.run(lakehouse.retry(), "append to " + table,
                () -> df.write().format("delta").mode("append").save(lakehouse.path(table)));
    }

    /** A run record as a row of {@link #SCHEMA}. */
    public static Row row(RunRecord r) {
        List<Row> accesses = new ArrayList<>();
        for (TableAccess a : r.tables()) {
            accesses.add(RowFactory.create(a.table(), a.access().name(), a.version(), a.rows()));
        }
        return new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(new Object[]{r.runId(), r.job(), Date.valueOf(r.runDate()),
                Timestamp.from(r.startedAt()), r.endedAt() == null ? null : Timestamp.from(r.endedAt()), r.duration().toMillis(),
                r.status().name(), r.errorMessage(), r.configHash(), r.projectVersion(), r.environment(),
                CollectionConverters.asScala(accesses).toSeq(), CollectionConverters.asScala(new LinkedHashMap<>(r.metrics()))}, SCHEMA);
    }

    /** All run records (empty when no job has run yet). */
    public Dataset<Row> all() {
        if (!lakehouse.exists(table)) {
            return lakehouse.spark().createDataFrame(List.of(), SCHEMA);
        }
        return lakehouse.read(table);
    }

    /** The most recent runs first, optionally of one job only. */
    public List<Row> recent(int limit, Optional<String> job) {
        Dataset<Row> runs = all();
        if (job.isPresent()) {
            runs = runs.where(col("job").equalTo(job.get()));
        }
        return runs.orderBy(col("started_at").desc()).limit(limit).collectAsList();
    }

    public Optional<Row> byId(String runId) {
        List<Row> rows = all().where(col("run_id").equalTo(runId)).limit(1).collectAsList();
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** The Delta versions each table was written at by a run, the last write winning (for reading as of that run). */
    public Map<String, Long> versionsWritten(Row run) {
        return versions(run, "WRITE");
    }

    /** The Delta versions each table was read at by a run. */
    public Map<String, Long> versionsRead(Row run) {
        return versions(run, "READ");
    }

    /**
     * For each table whose name starts with {@code prefix}: the last version written before any run for a date after
     * {@code runDate} wrote to it (runs of the {@code ignoredJobs}, such as maintenance, do not count). Tables no later
     * run wrote to are absent; -1 means the table was created by a later run. This is how a backfill of an earlier
     * date reads the lakehouse as it stood for that date.
     */
    public Map<String, Long> versionsBeforeLaterRuns(LocalDate runDate, String prefix, Set<String> ignoredJobs) {
        Dataset<Row> writes = all().where(col("run_date").gt(lit(Date.valueOf(runDate))))
                .where(not(col("job").isin(ignoredJobs.toArray())))
                .select(explode(col("tables")).as("t")).select("t.*")
                .where(col("access").equalTo("WRITE").and(col("table").startsWith(prefix)))
                .groupBy("table").agg(min("version").as("first_later"));
        Map<String, Long> out = new TreeMap<>();
        for (Row r : writes.collectAsList()) {
            out.put(r.getString(0), r.getLong(1) - 1);
        }
        return out;
    }

    private static Map<String, Long> versions(Row run, String access) {
        Map<String, Long> out = new LinkedHashMap<>();
        List<Row> tables = run.getList(run.fieldIndex("tables"));
        for (Row t : tables) {
            if (access.equals(t.getString(1))) {
                out.merge(t.getString(0), t.getLong(2), Math::max);
            }
        }
        return out;
    }
}
