package dev.lakeforge.ingest;

import java.time.LocalDate;
import java.util.Optional;

/**
 * A file found in the landing folder.
 *
 * @param path      full path or URI
 * @param relative  path relative to the landing folder
 * @param batchDate the batch (business) date from the first folder name, when it is a date
 * @param size      bytes
 * @param checksum  SHA-256 of the content, hex
 * @param lines     where its lines start (counted with the checksum), for exact line numbers in every split
 * @param modifiedAt last modification, milliseconds since the epoch (0 when not known)
 * @param recorded  the file ledger already holds this file — same path, size and modification time — so it was not
 *                  read again: its checksum is the one recorded, and it has no line index
 */
public record LandingFile(String path, String relative, Optional<LocalDate> batchDate, long size, String checksum, LineIndex lines,
                          long modifiedAt, boolean recorded) {
}
