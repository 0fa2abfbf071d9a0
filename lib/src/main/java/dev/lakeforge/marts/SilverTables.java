package dev.lakeforge.marts;

import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.lake.TableName;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * The silver tables the marts read, as of the end of the run date: each at the version pinned for the run date
 * (the last one before a run for a later date changed it: a backfill) or else its latest.
 */
final class SilverTables {
    private final Lakehouse lakehouse;
    private final LocalDate runDate;
    private final Map<String, Long> pinned;
    private final Map<String, Long> used = new TreeMap<>();

    SilverTables(Lakehouse lakehouse, LocalDate runDate, Map<String, Long> pinned) {
        this.lakehouse = lakehouse;
        this.runDate = runDate;
        this.pinned = Map.copyOf(pinned);
    }

    Dataset<Row> table(String name) {
        TableName t = TableName.of("silver", name);
        long version = version(t);
        if (version < 0 && isPinned(t)) {
            throw new IllegalStateException(t + " did not exist yet for run date " + runDate + " (a run for a later date created it)");
        }
        if (version < 0) {
            return lakehouse.read(t); // fails naming the missing table
        }
        used.put(t.toString(), version);
        return lakehouse.readAsOf(t, version);
    }

    /** The tables read so far and the versions read: the lineage of what was built from them. */
    Map<String, Long> used() {
        return Map.copyOf(used);
    }

    /** The same view of silver with nothing read yet (one per mart, for its lineage). */
    SilverTables fresh() {
        return new SilverTables(lakehouse, runDate, pinned);
    }

    boolean exists(String name) {
        return version(TableName.of("silver", name)) >= 0;
    }

    /** The version the marts read: the pinned one, or the latest; -1 when the table does not exist (for this date). */
    long version(TableName t) {
        Long v = pinned.get(t.toString());
        return v != null ? v : lakehouse.version(t).orElse(-1L);
    }

    boolean isPinned(TableName t) {
        return pinned.containsKey(t.toString());
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
