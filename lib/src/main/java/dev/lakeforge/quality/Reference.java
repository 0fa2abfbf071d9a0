package dev.lakeforge.quality;

/**
 * A referential check: every non-null value of {@code column} must exist as {@code key} in the (current rows
 * of the) lakehouse table {@code table}; a row that points nowhere is quarantined.
 */
public record Reference(String column, String table, String key) {
}
