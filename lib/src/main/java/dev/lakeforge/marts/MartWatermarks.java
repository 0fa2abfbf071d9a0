package dev.lakeforge.marts;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max_by;

/**
 * Which version of each input table a gold table was built from ({@code ops.mart_watermarks}): the incremental
 * builds' starting points, and the lineage silver → gold that the data docs draw.
 */
final class MartWatermarks {
    static final TableName TABLE = TableName.of("ops", "mart_watermarks");
    private static final StructType SCHEMA = new StructType(new StructField[]{
            DataTypes.createStructField("mart", DataTypes.StringType, false),
            DataTypes.createStructField("input", DataTypes.StringType, false),
            DataTypes.createStructField("version", DataTypes.LongType, false),
            DataTypes.createStructField("run_id", DataTypes.StringType, false),
            DataTypes.createStructField("recorded_at", DataTypes.TimestampType, false)});
    private final Lakehouse lakehouse;

    MartWatermarks(Lakehouse lakehouse) {
        this.lakehouse = lakehouse;
    }

    /** The input version the mart was last built from, or -1. */
    long last(String mart, String input) {
        if (!lakehouse.exists(TABLE)) {
            return -1;
        }
        // the latest record, not the highest version: a backfill builds from earlier versions than the run before it
        Row r = lakehouse.read(TABLE).where(col("mart").equalTo(mart).and(col("input").equalTo(input)))
                .agg(max_by(col("version"), col("recorded_at"))).first();
        return r.isNullAt(0) ? -1 : r.getLong(0);
    }

    /** Records, in one commit, the input versions each mart (gold table) was built from. */
    void record(Map<String, Map<String, Long>> inputsByMart, String runId) {
        List<Row> rows = new ArrayList<>();
        Timestamp now = Timestamp.from(Instant.now());
        inputsByMart.forEach((mart, inputs) -> inputs.forEach((input, version) -> rows.add(RowFactory.create(mart, input, version, runId, now))));
        if (rows.isEmpty()) {
            return;
        }
        var df = lakehouse.spark().createDataFrame(rows, SCHEMA).coalesce(1);
        ConflictRetry.run(lakehouse.retry(), "append to " + TABLE, () -> df.write().format("delta").mode("append")
                .save(lakehouse.path(TABLE)));
    }
}
