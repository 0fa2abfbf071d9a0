package dev.lakeforge.marts;

import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.lake.TableName;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.sql.Timestamp;
import java.time.LocalDate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/** The silver tables the marts read, as of the end of the run date. */
final class SilverTables {
    private final Lakehouse lakehouse;
    private final LocalDate runDate;

    SilverTables(Lakehouse lakehouse, LocalDate runDate) {
        this.lakehouse = lakehouse;
        this.runDate = runDate;
    }

    Dataset<Row> table(String name) {
        return lakehouse.read(TableName.of("silver", name));
    }

    boolean exists(String name) {
        return lakehouse.exists(TableName.of("silver", name));
    }

    /** Current rows of an SCD2 dimension. */
    Dataset<Row> current(String name) {
        return table(name).where(col("is_current"));
    }

    /** The version of each dimension row valid at the end of the run date. */
    Dataset<Row> asOfRunDate(String name) {
        Timestamp end = Timestamp.valueOf(runDate.plusDays(1).atStartOfDay());
        return table(name).where(col("valid_from").lt(lit(end))
                .and(col("valid_to").isNull().or(col("valid_to").geq(lit(end)))));
    }

    LocalDate runDate() {
        return runDate;
    }
}
