package dev.lakeforge.maintenance;

import dev.lakeforge.config.ConfigurationException;
import dev.lakeforge.lake.ConflictRetry;
import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.lake.TableName;
import io.delta.tables.DeltaTable;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Compacts small files (OPTIMIZE, Z-ORDER BY configured columns) and removes files no longer referenced
 * (VACUUM with the configured retention; less than 7 days is refused unless forced, because a shorter
 * retention can break readers and time travel still in progress).
 */
public final class MaintainAction {
    public static final Duration MIN_RETENTION = Duration.ofDays(7);
    private static final Logger LOG = LoggerFactory.getLogger(MaintainAction.class);
    private final Lakehouse lakehouse;
    private List<TableName> tables = List.of();
    private Map<String, List<String>> zorder = Map.of();
    private Duration retention = MIN_RETENTION;
    private boolean force;

    public MaintainAction(Lakehouse lakehouse) {
        this.lakehouse = lakehouse;
    }

    public MaintainAction tables(List<TableName> tables) {
        this.tables = List.copyOf(tables);
        return this;
    }

    /** Z-order columns per table name (layer.table). */
    public MaintainAction zorder(Map<String, List<String>> zorder) {
        this.zorder = Map.copyOf(zorder);
        return this;
    }

    public MaintainAction retention(Duration retention) {
        this.retention = retention;
        return this;
    }

    public MaintainAction force(boolean force) {
        this.force = force;
        return this;
    }

    /** Every Delta table under the lakehouse root (layer folders, then table folders). */
    public static List<TableName> allTables(Lakehouse lakehouse) {
        List<TableName> out = new ArrayList<>();
        FileSystem fs = lakehouse.fileSystem();
        try {
            Path root = new Path(lakehouse.root());
            if (!fs.exists(root)) {
                return out;
            }
            for (FileStatus layer : fs.listStatus(root)) {
                String l = layer.getPath().getName();
                if (!layer.isDirectory() || !l.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    continue;
                }
                for (FileStatus table : fs.listStatus(layer.getPath())) {
                    String t = table.getPath().getName();
                    if (table.isDirectory() && t.matches("[A-Za-z_][A-Za-z0-9_]*") && fs.exists(new Path(table.getPath(), "_delta_log"))) {
                        out.add(TableName.of(l, t));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the lakehouse at " + lakehouse.root(), e);
        }
        return out;
    }

    public List<MaintainResult> execute() {
        if (retention.compareTo(MIN_RETENTION) < 0 && !force) {
            throw new ConfigurationException("lakeforge.maintenance.retention", retention.toHours() + " hours",
                    "at least 7 days (168 hours): a shorter retention can delete files that running readers and time travel"
                            + " still need. Use --force only if no job or reader is running");
        }
        List<MaintainResult> out = new ArrayList<>();
        for (TableName t : tables.isEmpty() ? allTables(lakehouse) : tables) {
            out.add(maintain(t));
        }
        return out;
    }

    private MaintainResult maintain(TableName t) {
        DeltaTable table = lakehouse.deltaTable(t);
        Row before = table.detail().select("numFiles", "sizeInBytes").first();
        List<String> z = zorder.getOrDefault(t.toString(), List.of());
        LOG.info("Maintaining {}: {} files, {} bytes; OPTIMIZE{}", t, before.getLong(0), before.getLong(1),
                z.isEmpty() ? "" : " ZORDER BY " + z);
        ConflictRetry.run(lakehouse.retry(), "optimize " + t, () -> {
            if (z.isEmpty()) {
                table.optimize().executeCompaction();
            } else {
                table.optimize().executeZOrderBy(z.toArray(String[]::new));
            }
        });
        Row after = lakehouse.deltaTable(t).detail().select("numFiles", "sizeInBytes").first();
        long vacuumed = vacuum(t);
        return new MaintainResult(t.toString(), before.getLong(0), after.getLong(0), before.getLong(1), after.getLong(1), z, vacuumed);
    }

    private long vacuum(TableName t) {
        String key = "spark.databricks.delta.retentionDurationCheck.enabled";
        String previous = lakehouse.spark().conf().get(key, "true");
        double hours = retention.toMinutes() / 60.0;
        try {
            if (force) {
                lakehouse.spark().conf().set(key, "false");
            }
            String vacuum = "VACUUM delta.`" + lakehouse.path(t).replace("`", "``") + "` RETAIN " + hours + " HOURS";
            long files = lakehouse.spark().sql(vacuum + " DRY RUN").count();
            if (files > 0) {
                lakehouse.spark().sql(vacuum).collect();
            }
            return files;
        } finally {
            lakehouse.spark().conf().set(key, previous);
        }
    }
}
