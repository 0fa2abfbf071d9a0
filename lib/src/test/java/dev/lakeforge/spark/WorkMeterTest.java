package dev.lakeforge.spark;

import dev.lakeforge.testing.SparkExtension;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(SparkExtension.class)
class WorkMeterTest {
    @Test
    void eachSpanCountsOnlyTheTasksThatRanInIt() {
        SparkSession spark = SparkExtension.spark();
        try (WorkMeter meter = WorkMeter.on(spark)) {
            WorkMeter.Span shuffle = meter.start();
            long groups = spark.range(200_000).groupBy(col("id").mod(1000)).count().collectAsList().size();
            WorkMeter.Work w = shuffle.stop();
            assertThat(groups).isEqualTo(1000);
            assertThat(w.tasks()).isPositive();
            assertThat(w.shuffleWriteBytes()).isPositive();
            assertThat(w.shuffleReadBytes()).isPositive();
            assertThat(w.millis()).isPositive();
            assertThat(w.peakHeapBytes()).isPositive();
            assertThat(w.summary()).contains("shuffled ").contains("peak heap ");

            WorkMeter.Work idle = meter.start().stop();
            assertThat(idle.tasks()).isZero();
            assertThat(idle.shuffleWriteBytes()).isZero();
        }
    }

    @Test
    void bytesReadLikeAPerson() {
        assertThat(WorkMeter.bytes(0)).isEqualTo("0 B");
        assertThat(WorkMeter.bytes(512L << 10)).isEqualTo("512 KB");
        assertThat(WorkMeter.bytes(1_288_490_189L)).isEqualTo("1.2 GB");
        assertThat(WorkMeter.bytes(-1)).isEqualTo("–");
    }
}
