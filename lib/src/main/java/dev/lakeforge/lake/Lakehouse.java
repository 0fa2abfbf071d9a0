package dev.lakeforge.lake;

import dev.lakeforge.config.LakeforgeConfig;
import dev.lakeforge.config.RetrySettings;
import io.delta.tables.DeltaTable;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.OptionalLong;

/**
 * The lakehouse on its storage: where each table lives ({@code <root>/<layer>/<table>}), and reading tables
 * now or as of a Delta version. Tables are path-based Delta tables, so they need no metastore to be read or
 * written; publishing registers the gold ones in the catalog.
 */
public final class Lakehouse {
    private final SparkSession spark;
    private final String root;
    private final RetrySettings retry;

    public Lakehouse(SparkSession spark, String root, RetrySettings retry) {
        this.spark = spark;
        this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
        this.retry = retry;
    }

    public static Lakehouse of(SparkSession spark, LakeforgeConfig config) {
        return new Lakehouse(spark, config.lakehouse().root(), config.retry());
    }

    public SparkSession spark() {
        return spark;
    }

    public String root() {
        return root;
    }

    public RetrySettings retry() {
        return retry;
    }

    public String path(TableName name) {
        return root + "/" + name.layer() + "/" + name.table();
    }

    public String path(String qualified) {
        return path(TableName.parse(qualified));
    }

    /** A folder under the root that is not a table (models/, serving/, ledgers). */
    public String folder(String relative) {
        return root + "/" + relative;
    }

    public boolean exists(TableName name) {
        return DeltaTable.isDeltaTable(spark, path(name));
    }

    public Dataset<Row> read(TableName name) {
        requireExists(name);
        return spark.read().format("delta").load(path(name));
    }

    public Dataset<Row> readAsOf(TableName name, long version) {
        requireExists(name);
        return spark.read().format("delta").option("versionAsOf", version).load(path(name));
    }

    public DeltaTable deltaTable(TableName name) {
        requireExists(name);
        return DeltaTable.forPath(spark, path(name));
    }

    /** The table's latest Delta version, or empty when the table does not exist yet. */
    public OptionalLong version(TableName name) {
        // The Delta log's latest snapshot (a listing of _delta_log), not a history query: this is called often.
        org.apache.spark.sql.delta.Snapshot snapshot = org.apache.spark.sql.delta.DeltaLog.forTable(spark, path(name))
                .update(false, scala.Option.empty(), scala.Option.empty());
        return snapshot.version() < 0 ? OptionalLong.empty() : OptionalLong.of(snapshot.version());
    }

    public FileSystem fileSystem() {
        try {
            return new Path(root).getFileSystem(spark.sparkContext().hadoopConfiguration());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot reach the lakehouse file system at " + root, e);
        }
    }

    private void requireExists(TableName name) {
        if (!exists(name)) {
            throw new TableNotFoundException(name, path(name));
        }
    }
}
