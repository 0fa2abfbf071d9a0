package dev.lakeforge.marts;

/**
 * One gold table built by a run.
 *
 * @param table   gold table name
 * @param mode    overwrite, or replace-where (only the partitions the run's changes touch)
 * @param rows    rows written by the run
 * @param version Delta version after the write
 */
public record MartResult(String table, String mode, long rows, long version) {
}
