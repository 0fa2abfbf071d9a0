package dev.lakeforge.lake;

import dev.lakeforge.testing.SparkExtension;
import dev.lakeforge.testing.TestLakehouse;
import io.delta.tables.DeltaTable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static dev.lakeforge.testing.DataFrameAssertions.assertRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(SparkExtension.class)
class DeltaSessionTest {
    private static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.IntegerType).add("name", DataTypes.StringType).add("amount", DataTypes.DoubleType);

    private static Dataset<Row> rows(SparkSession spark, Object[]... values) {
        return spark.createDataFrame(java.util.Arrays.stream(values).map(org.apache.spark.sql.RowFactory::create).toList(), SCHEMA);
    }

    @Test
    void sessionHasDeltaAndHiveCatalog(SparkSession spark) {
        assertThat(spark.conf().get("spark.sql.extensions")).contains("io.delta.sql.DeltaSparkSessionExtension");
        assertThat(spark.conf().get("spark.sql.catalogImplementation")).isEqualTo("hive");
        assertThat(spark.conf().get("spark.sql.shuffle.partitions")).isEqualTo("2");
    }

    @Test
    void writeMergeAndTimeTravel(TestLakehouse t) {
        Lakehouse lake = t.lakehouse();
        TableName name = TableName.parse("silver.accounts");
        assertThat(lake.exists(name)).isFalse();
        assertThat(lake.version(name)).isEmpty();

        rows(t.spark(), new Object[]{1, "a", 10.0}, new Object[]{2, "b", 20.0})
                .write().format("delta").save(lake.path(name));
        assertThat(lake.version(name)).hasValue(0);

        Dataset<Row> updates = rows(t.spark(), new Object[]{2, "b", 25.5}, new Object[]{3, "c", 30.0});
        lake.deltaTable(name).as("t").merge(updates.as("u"), "t.id = u.id")
                .whenMatched().updateAll().whenNotMatched().insertAll().execute();
        assertThat(lake.version(name)).hasValue(1);

        assertRows(lake.read(name).orderBy("id"),
                new Object[]{1, "a", 10.0}, new Object[]{2, "b", 25.5}, new Object[]{3, "c", 30.0});
        assertRows(lake.readAsOf(name, 0),
                new Object[]{1, "a", 10.0}, new Object[]{2, "b", 20.0});
        assertThat(DeltaTable.forPath(t.spark(), lake.path(name)).history().count()).isEqualTo(2);
    }

    @Test
    void readingAMissingTableSaysWhatToDo(TestLakehouse t) {
        assertThatThrownBy(() -> t.lakehouse().read(TableName.parse("gold.nothing")))
                .isInstanceOf(TableNotFoundException.class)
                .hasMessageContaining("gold.nothing does not exist");
    }

    @Test
    void tableNamesAreValidated() {
        assertThatThrownBy(() -> TableName.parse("silver.x; DROP TABLE y")).hasMessageContaining("expected layer.table");
        assertThatThrownBy(() -> TableName.parse("../etc.passwd")).hasMessageContaining("Invalid table name");
        assertThat(TableName.parse("ops.job_runs")).isEqualTo(TableName.of("ops", "job_runs"));
        assertThat(List.of(TableName.parse("a.b").toString())).containsExactly("a.b");
    }
}
