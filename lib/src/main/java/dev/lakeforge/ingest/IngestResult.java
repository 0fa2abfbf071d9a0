package dev.lakeforge.ingest;

import java.util.List;

/**
 * What loading one source into bronze did.
 *
 * @param source          source name
 * @param filesFound      files matching the source's glob up to the run date
 * @param filesLoaded     files loaded by this run
 * @param filesSkipped    files already loaded by an earlier run
 * @param filesDuplicate  files whose content was already loaded under another name (recorded, not loaded)
 * @param filesEmpty      empty files (recorded, nothing to load)
 * @param rowsLoaded      rows appended to bronze
 * @param rowsRejected    lines that could not be parsed (in bronze.rejects with their reason)
 * @param bronzeVersion   bronze table version after the load (-1 when it does not exist)
 * @param newColumns      columns added to the bronze table by this load
 * @param resumed         true when this run finished a load an earlier run left half-done
 */
public record IngestResult(String source, int filesFound, int filesLoaded, int filesSkipped, int filesDuplicate, int filesEmpty,
                           long rowsLoaded, long rowsRejected, long bronzeVersion, List<String> newColumns, boolean resumed) {
}
