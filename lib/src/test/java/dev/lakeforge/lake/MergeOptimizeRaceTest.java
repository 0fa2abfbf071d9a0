package dev.lakeforge.lake;

import dev.lakeforge.config.RetrySettings;
import dev.lakeforge.testing.SparkExtension;
import dev.lakeforge.testing.TestLakehouse;
import io.delta.tables.DeltaTable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.apache.spark.sql.functions.call_udf;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A MERGE racing an OPTIMIZE of the same table: the OPTIMIZE commits while the MERGE is running (it is started from
 * inside the MERGE's source, so the race is certain, not likely), the MERGE's commit conflicts, and
 * {@link ConflictRetry} runs it again on the new snapshot; the table ends right.
 */
@ExtendWith(SparkExtension.class)
class MergeOptimizeRaceTest {
    private static final AtomicBoolean RACE = new AtomicBoolean();
    private static volatile String path;

    @Test
    void theMergeIsRetriedAfterTheOptimizeAndAppliesEveryRowOnce() throws Exception {
        TestLakehouse t = SparkExtension.newLakehouse();
        SparkSession spark = t.spark();
        path = t.root().resolve("silver_race").toString();
        for (int i = 0; i < 6; i++) { // six small files: something for OPTIMIZE to compact
            spark.range(i * 10, i * 10 + 10).select(col("id"), lit("v0").as("value")).write().format("delta").mode("append").save(path);
        }
        spark.udf().register("lakeforge_race_hook", (UDF1<Long, Long>) id -> {
            if (RACE.compareAndSet(true, false)) {
                var pool = Executors.newSingleThreadExecutor();
                try {
                    pool.submit(() -> DeltaTable.forPath(SparkSession.active(), path).optimize().executeCompaction()).get(120, TimeUnit.SECONDS);
                } finally {
                    pool.shutdown();
                }
            }
            return id;
        }, DataTypes.LongType);
        // updates for 0..29, new rows 60..69
        Dataset<Row> source = spark.range(0, 30).union(spark.range(60, 70)).select(call_udf("lakeforge_race_hook", col("id")).as("id"),
                lit("v1").as("value")).repartition(1);
        RACE.set(true);
        AtomicInteger attempts = new AtomicInteger();
        ConflictRetry.run(new RetrySettings(4, Duration.ofMillis(10), Duration.ofMillis(100)), "merge into silver_race", () -> {
            attempts.incrementAndGet();
            DeltaTable.forPath(spark, path).as("t").merge(source.as("s"), "t.id = s.id")
                    .whenMatched().updateAll().whenNotMatched().insertAll().execute();
        });

        assertThat(attempts).as("the first MERGE conflicted with the OPTIMIZE, the second went through").hasValue(2);
        Dataset<Row> table = spark.read().format("delta").load(path);
        assertThat(table.count()).isEqualTo(70);
        assertThat(table.select("id").distinct().count()).isEqualTo(70);
        assertThat(table.where(col("value").equalTo("v1")).count()).isEqualTo(40);
        List<String> operations = DeltaTable.forPath(spark, path).history().orderBy("version").select("operation").as(
                org.apache.spark.sql.Encoders.STRING()).collectAsList();
        assertThat(operations).endsWith("OPTIMIZE", "MERGE");
    }
}
