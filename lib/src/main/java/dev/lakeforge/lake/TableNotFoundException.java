package dev.lakeforge.lake;

/** A lakehouse table was asked for that has not been written yet. */
public class TableNotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TableNotFoundException(TableName name, String path) {
        super("Table " + name + " does not exist (no Delta table at " + path + "). Run the job that builds it first.");
    }
}
