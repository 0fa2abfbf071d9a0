package dev.lakeforge.bench;

import com.typesafe.config.ConfigFactory;
import dev.lakeforge.ml.ModelSpec;
import dev.lakeforge.ml.ModelTrainer;
import dev.lakeforge.ml.TrainOutcome;
import dev.lakeforge.testing.SparkExtension;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

@ExtendWith(SparkExtension.class)
class MlDataGeneratorTest {
    static final long ROWS = 2_000;

    static Dataset<Row> read(SparkSession spark, MlDataGenerator.Generated g) {
        return spark.read().schema(g.set().schema()).option("header", "true").option("mode", "FAILFAST").csv(g.file().toString());
    }

    @ParameterizedTest
    @EnumSource(MlDataSet.class)
    void writesTheDeclaredColumnsAndExactlyOneRowInFiveHeldOut(MlDataSet set, SparkSession spark, @TempDir Path dir) throws IOException {
        MlDataGenerator.Generated g = MlDataGenerator.create(set).rows(ROWS).seed(42).dir(dir).execute();

        assertThat(g.reused()).isFalse();
        assertThat(g.file()).hasFileName(set.label() + "-2000-seed42.csv");
        assertThat(Files.readAllLines(g.file()).get(0)).isEqualTo(String.join(",", set.columns()));
        Dataset<Row> df = read(spark, g);
        assertThat(df.columns()).containsExactlyElementsOf(set.columns());
        assertThat(df.count()).isEqualTo(ROWS);
        assertThat(df.agg(sum(MlDataSet.IS_TEST)).first().getLong(0)).isEqualTo(400L).isEqualTo(g.testRows());
        assertThat(g.trainRows()).isEqualTo(1_600L);
        for (String c : set.columns()) {
            assertThat(df.where(col(c).isNull()).count()).as(c).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(MlDataSet.class)
    void sameSeedGivesTheSameBytesAndTheFileIsReused(MlDataSet set, @TempDir Path a, @TempDir Path b) throws IOException {
        MlDataGenerator.Generated first = MlDataGenerator.create(set).rows(ROWS).seed(7).dir(a).execute();
        MlDataGenerator.Generated second = MlDataGenerator.create(set).rows(ROWS).seed(7).dir(b).execute();
        MlDataGenerator.Generated other = MlDataGenerator.create(set).rows(ROWS).seed(8).dir(b).execute();
        MlDataGenerator.Generated again = MlDataGenerator.create(set).rows(ROWS).seed(7).dir(a).execute();

        assertThat(Files.mismatch(first.file(), second.file())).isEqualTo(-1L);
        assertThat(Files.mismatch(first.file(), other.file())).isNotEqualTo(-1L);
        assertThat(again.reused()).isTrue();
        assertThat(again.file()).isEqualTo(first.file());
        assertThat(again.details()).isEqualTo(first.details());
    }

    @Test
    void regressionFollowsFriedmanOne(SparkSession spark, @TempDir Path dir) {
        Dataset<Row> df = read(spark, MlDataGenerator.create(MlDataSet.REGRESSION).rows(ROWS).dir(dir).execute());
        Row r = df.agg(min("x0"), max("x9"), org.apache.spark.sql.functions.avg("y")).first();
        assertThat(r.getDouble(0)).isGreaterThanOrEqualTo(0.0);
        assertThat(r.getDouble(1)).isLessThanOrEqualTo(1.0);
        assertThat(r.getDouble(2)).isCloseTo(14.4, within(0.5)); // E[y] of Friedman #1 is about 14.4
    }

    @Test
    void classificationHasAFifthToAQuarterPositives(SparkSession spark, @TempDir Path dir) {
        MlDataGenerator.Generated g = MlDataGenerator.create(MlDataSet.CLASSIFICATION).rows(ROWS).dir(dir).execute();
        double positives = read(spark, g).agg(org.apache.spark.sql.functions.avg("label")).first().getDouble(0);
        assertThat(positives).isBetween(0.15, 0.30);
        assertThat(g.details()).containsKey("positives");
    }

    @Test
    void clusteringHasFiveBlobs(SparkSession spark, @TempDir Path dir) {
        Dataset<Row> df = read(spark, MlDataGenerator.create(MlDataSet.CLUSTERING).rows(ROWS).dir(dir).execute());
        List<Integer> blobs = df.select("blob").distinct().orderBy("blob").collectAsList().stream().map(r -> r.getInt(0)).toList();
        assertThat(blobs).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void interactionsHaveOneRowPerUserAndItemAndPositiveStrengths(SparkSession spark, @TempDir Path dir) {
        MlDataGenerator.Generated g = MlDataGenerator.create(MlDataSet.INTERACTIONS).rows(ROWS).dir(dir).execute();
        Dataset<Row> df = read(spark, g);
        assertThat(df.select("user_id", "item_id").distinct().count()).isEqualTo(ROWS);
        Row r = df.agg(min("strength"), min("item_id"), max("item_id"), countDistinct("user_id")).first();
        assertThat(r.getInt(0)).isGreaterThanOrEqualTo(1);
        assertThat(r.getInt(1)).isGreaterThanOrEqualTo(1);
        assertThat(r.getInt(2)).isLessThanOrEqualTo(MlDataGenerator.itemsFor(ROWS));
        assertThat(String.valueOf(r.getLong(3))).isEqualTo(g.details().get("users"));
    }

    @Test
    void lakeforgesSplitHoldsOutExactlyTheMarkedRows(SparkSession spark, @TempDir Path dir) {
        MlDataGenerator.Generated g = MlDataGenerator.create(MlDataSet.REGRESSION).rows(ROWS).dir(dir).execute();
        ModelSpec spec = ModelSpec.parse(ConfigFactory.parseString(MlFamily.LINEAR_REGRESSION.spec(g.file())), dir);

        TrainOutcome o = ModelTrainer.train(spec, read(spark, g));

        assertThat(o.trainRows()).isEqualTo(g.trainRows());
        assertThat(o.holdoutRows()).isEqualTo(g.testRows());
        assertThat(o.holdout().where(col(MlDataSet.IS_TEST).notEqual(1)).count()).isZero();
        assertThat(o.metrics().get("r2")).isBetween(0.6, 0.9); // a linear fit explains most of Friedman #1, not all
    }

    @ParameterizedTest
    @EnumSource(MlFamily.class)
    void everyFamilysSpecParses(MlFamily f) {
        ModelSpec spec = ModelSpec.parse(ConfigFactory.parseString(f.spec(Path.of("/data/x.csv"))), Path.of(""));
        assertThat(spec.algorithm().label()).isEqualTo(f.algorithm());
        assertThat(spec.columns()).isSubsetOf(f.dataSet().columns());
    }

    @Test
    void adjustedRandIndexIgnoresLabelNames(SparkSession spark) {
        Dataset<Row> same = spark.createDataFrame(Arrays.asList(new Pair(0, 2), new Pair(0, 2), new Pair(1, 0), new Pair(1, 0)), Pair.class);
        Dataset<Row> mixed = spark.createDataFrame(Arrays.asList(new Pair(0, 0), new Pair(0, 1), new Pair(1, 0), new Pair(1, 1)), Pair.class);
        assertThat(MlBenchmark.adjustedRandIndex(same, "truth", "predicted")).isEqualTo(1.0);
        assertThat(MlBenchmark.adjustedRandIndex(mixed, "truth", "predicted")).isLessThan(0.0);
    }

    @Test
    void sizesTakeKAndMSuffixes() {
        assertThat(MlBenchmark.rows("100K")).isEqualTo(100_000L);
        assertThat(MlBenchmark.rows("1m")).isEqualTo(1_000_000L);
        assertThat(MlBenchmark.rows("2.5M")).isEqualTo(2_500_000L);
        assertThat(MlBenchmark.rows("50000")).isEqualTo(50_000L);
        for (String bad : List.of("10", "1.5", "abc", "", "1G")) {
            assertThatThrownBy(() -> MlBenchmark.rows(bad)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("100K");
        }
    }

    @Test
    void fixedDecimalsRoundLikeText() {
        assertThat(MlDataGenerator.fixed(new StringBuilder(), 0.1234567, 6).toString()).isEqualTo("0.123457");
        assertThat(MlDataGenerator.fixed(new StringBuilder(), -1.5, 6).toString()).isEqualTo("-1.500000");
        assertThat(MlDataGenerator.fixed(new StringBuilder(), -0.0000001, 6).toString()).isEqualTo("0.000000");
        assertThat(MlDataGenerator.fixed(new StringBuilder(), 12.000001, 6).toString()).isEqualTo("12.000001");
    }

    /** A bean for the adjusted Rand index test. */
    public static final class Pair implements java.io.Serializable {
        private int truth;
        private int predicted;

        public Pair() {
        }

        Pair(int truth, int predicted) {
            this.truth = truth;
            this.predicted = predicted;
        }

        public int getTruth() {
            return truth;
        }

        public void setTruth(int truth) {
            this.truth = truth;
        }

        public int getPredicted() {
            return predicted;
        }

        public void setPredicted(int predicted) {
            this.predicted = predicted;
        }
    }
}
