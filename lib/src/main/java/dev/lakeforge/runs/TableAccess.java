package dev.lakeforge.runs;

/**
 * One table a job read or wrote: its name, whether it was read or written, the Delta version it was read at
 * or that the write produced, and the row count (rows read, or rows the table holds after the write).
 */
public record TableAccess(String table, Access access, long version, long rows) {
    public enum Access { READ, WRITE }

    public static TableAccess read(String table, long version, long rows) {
        return new TableAccess(table, Access.READ, version, rows);
    }

    public static TableAccess written(String table, long version, long rows) {
        return new TableAccess(table, Access.WRITE, version, rows);
    }
}
