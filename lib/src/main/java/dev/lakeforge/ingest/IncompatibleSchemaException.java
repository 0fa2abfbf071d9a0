package dev.lakeforge.ingest;

/** A landing file does not fit its source's declared schema in a way that cannot evolve; nothing was written. */
public class IncompatibleSchemaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IncompatibleSchemaException(String message) {
        super(message);
    }
}
