package dev.lakeforge.ingest;

import java.io.Serializable;
import java.sql.Date;
import java.util.Map;

/**
 * What the parser needs to know about one file: its checksum and batch date, and for CSV where each
 * declared and extra column sits in its header.
 *
 * @param checksum  SHA-256 of the file
 * @param batchDate batch date or null
 * @param positions column name → field position in the header (CSV; empty for JSON)
 * @param fieldCount number of header fields (CSV)
 * @param lines     where its lines start, for the line number of the first line of each split
 */
record FileLayout(String checksum, Date batchDate, Map<String, Integer> positions, int fieldCount, LineIndex lines) implements Serializable {
}
