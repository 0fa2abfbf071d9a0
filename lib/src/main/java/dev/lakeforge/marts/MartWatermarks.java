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
import static org.apache.spark.sql.functions.max;

/** Which version of each input table a gold table was last built from ({@code ops.mart_watermarks}). */
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

    long last(String mart, String input) {
        if (!lakehouse.exists(TABLE)) {
            return -1;
        }
        Row r = lakehouse.read(TABLE).where(col("mart").equalTo(mart).and(col("input").equalTo(input))).agg(max("version")).first();
        return r.isNullAt(0) ? -1 : r.getLong(0);
    }

    void record(String mart, Map<String, Long> inputs, String runId) {
        List<Row> rows = new ArrayList<>();
        Timestamp now = Timestamp.from(Instant.now());
        inputs.forEach((input, version) -> rows.add(RowFactory.create(mart, input, version, runId, now)));
        var df = lakehouse.spark().createDataFrame(rows, SCHEMA).coalesce(1);
        ConflictRetry.run(lakehouse.retry(), "append to " + TABLE, () -> df.write().format("delta").mode("append")
                .save(lakehouse.path(TABLE)));
    }
}
