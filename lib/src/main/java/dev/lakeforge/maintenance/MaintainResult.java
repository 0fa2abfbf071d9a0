package dev.lakeforge.maintenance;

import java.util.List;

/**
 * What maintaining one table did.
 *
 * @param table        table name
 * @param filesBefore  data files in the current version before compaction
 * @param filesAfter   after compaction
 * @param bytesBefore  bytes of those files before
 * @param bytesAfter   bytes after
 * @param zorderBy     columns Z-ordered by (empty: plain compaction)
 * @param filesVacuumed files no longer referenced that VACUUM deleted
 */
public record MaintainResult(String table, long filesBefore, long filesAfter, long bytesBefore, long bytesAfter, List<String> zorderBy,
                             long filesVacuumed) {
}
