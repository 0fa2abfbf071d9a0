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

    /**
     * Creates the table from {@code builder} (a {@link DeltaTable#createIfNotExists} at the table's path) unless it
     * exists. A folder left by a creation killed before its first commit (a {@code _delta_log} holding no commit,
     * often only {@code _staged_commits}) is removed first: Delta's catalog takes any {@code _delta_log} folder for a
     * table, so {@code createIfNotExists} would skip the creation and the next read fail with
     * {@code DELTA_TABLE_NOT_FOUND}. Nothing committed is lost: without a commit no file in the folder belongs to a
     * table.
     */
    public void createIfMissing(TableName name, java.util.function.UnaryOperator<io.delta.tables.DeltaTableBuilder> builder) {
        if (exists(name)) {
            return;
        }
        discardUncommitted(name);
        builder.apply(DeltaTable.createIfNotExists(spark).location(path(name))).execute();
    }

    /**
     * Removes the folder of a table that does not exist (the caller checked) but whose creation left a log without a
     * commit; true when there was one. Refuses (with the folder named) when the log holds commits Delta cannot read.
     */
    boolean discardUncommitted(TableName name) {
        FileSystem fs = fileSystem();
        Path table = new Path(path(name));
        Path log = new Path(table, "_delta_log");
        try {
            if (!fs.exists(log)) {
                return false;
            }
            var it = fs.listFiles(log, true);
            while (it.hasNext()) {
                Path file = it.next().getPath();
                // _staged_commits/<version>.<uuid>.json are proposals, not commits
                if (!file.getParent().getName().equals("_staged_commits") && file.getName().matches("\\d{20}\\..*")) {
                    throw new IllegalStateException("Table folder " + table + " holds Delta log file " + file.getName()
                            + " but Delta cannot read it as a table; inspect it or move it away by hand (nothing was changed)");
                }
            }
            org.slf4j.LoggerFactory.getLogger(Lakehouse.class).warn(
                    "{} holds a table creation that never committed (a killed run?); removing its folder {}", name, table);
            if (!fs.delete(table, true)) {
                throw new IOException("delete returned false");
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot inspect or remove the uncommitted table folder " + table, e);
        }
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
