package dev.lakeforge.refine;

import dev.lakeforge.lake.ConflictRetry;
import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.lake.TableName;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

/** Up to which bronze version each source has been refined ({@code ops.refine_watermarks}). */
public final class RefineWatermarks {
    public static final TableName TABLE = TableName.of("ops", "refine_watermarks");
    private static final StructType SCHEMA = new StructType(new StructField[]{
            DataTypes.createStructField("source", DataTypes.StringType, false),
            DataTypes.createStructField("bronze_version", DataTypes.LongType, false),
            DataTypes.createStructField("silver_version", DataTypes.LongType, false),
            DataTypes.createStructField("run_id", DataTypes.StringType, false),
            DataTypes.createStructField("recorded_at", DataTypes.TimestampType, false)});

    private final Lakehouse lakehouse;

    public RefineWatermarks(Lakehouse lakehouse) {
        this.lakehouse = lakehouse;
    }

    /** The last bronze version refined, or -1. */
    public long last(String source) {
        if (!lakehouse.exists(TABLE)) {
            return -1;
        }
        Row r = lakehouse.read(TABLE).where(col("source").equalTo(source)).agg(max("bronze_version")).first();
        return r.isNullAt(0) ? -1 : r.getLong(0);
    }

    /** Source {@code source} has been refined up to bronze version {@code bronzeVersion}, giving silver {@code silverVersion}. */
    public record Mark(String source, long bronzeVersion, long silverVersion) {
    }

    public void record(String source, long bronzeVersion, long silverVersion, String runId) {
        record(List.of(new Mark(source, bronzeVersion, silverVersion)), runId);
    }

    /** Records every mark in one commit. */
    public void record(List<Mark> marks, String runId) {
        if (marks.isEmpty()) {
            return;
        }
        Timestamp now = Timestamp.from(Instant.now());
        List<Row> rows = marks.stream().map(m -> RowFactory.create(m.source(), m.bronzeVersion(), m.silverVersion(), runId, now)).toList();
        var df = lakehouse.spark().createDataFrame(rows, SCHEMA).coalesce(1);
        ConflictRetry.run(lakehouse.retry(), "append to " + TABLE, () -> df.write().format("delta").mode("append")
                .save(lakehouse.path(TABLE)));
    }
}
