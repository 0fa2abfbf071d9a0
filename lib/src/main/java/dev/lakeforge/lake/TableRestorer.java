package dev.lakeforge.lake;

import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Remembers the versions of a set of tables before a multi-table operation, and puts them back if it fails:
 * a table that existed is restored to its version (Delta RESTORE), a table the operation created is removed.
 */
public final class TableRestorer {
    private static final Logger LOG = LoggerFactory.getLogger(TableRestorer.class);
    private final Lakehouse lakehouse;
    private final Map<TableName, OptionalLong> before;

    private TableRestorer(Lakehouse lakehouse, Map<TableName, OptionalLong> before) {
        this.lakehouse = lakehouse;
        this.before = before;
    }

    public static TableRestorer snapshot(Lakehouse lakehouse, List<TableName> tables) {
        Map<TableName, OptionalLong> versions = new LinkedHashMap<>();
        for (TableName t : tables) {
            versions.put(t, lakehouse.version(t));
        }
        return new TableRestorer(lakehouse, versions);
    }

    public OptionalLong versionBefore(TableName t) {
        return before.getOrDefault(t, OptionalLong.empty());
    }

    /** Restores every table that changed; never throws (a failure to restore is logged loudly). */
    public void restore() {
        for (Map.Entry<TableName, OptionalLong> e : before.entrySet()) {
            TableName t = e.getKey();
            try {
                OptionalLong now = lakehouse.version(t);
                if (e.getValue().isEmpty()) {
                    if (now.isPresent()) {
                        Path p = new Path(lakehouse.path(t));
                        lakehouse.fileSystem().delete(p, true);
                        LOG.warn("Removed {} (created by the failed run)", t);
                    }
                } else if (now.isPresent() && now.getAsLong() != e.getValue().getAsLong()) {
                    lakehouse.deltaTable(t).restoreToVersion(e.getValue().getAsLong());
                    LOG.warn("Restored {} to version {} (content as before the failed run)", t, e.getValue().getAsLong());
                }
            } catch (IOException | RuntimeException ex) {
                LOG.error("Could not restore {} to its version before the run ({}): {}", t, e.getValue(), ex.toString());
            }
        }
    }
}
