package dev.lakeforge.publish;

/** Publishing could not be done as asked; the message says which table and why. Published tables are left as they were. */
public class PublishException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PublishException(String message) {
        super(message);
    }

    public PublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
