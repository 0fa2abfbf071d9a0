package dev.lakeforge.runs;

/**
 * Named moments between a job's commits, where a crash is the most dangerous: one table written, the next not yet (bronze
 * appended but the ingest ledger not yet told; quarantine or silver written but the refine watermark not yet moved; a
 * trained model registered but its predictions not yet written; a
 * serving table staged but not yet swapped in). Off unless the system property {@value #PROPERTY} names a point; then
 * the JVM halts the first time it gets there ({@link Runtime#halt}: no finally block or shutdown hook runs, as with
 * SIGKILL) with exit code {@value #EXIT_CODE}. {@code CrashSafetyIT} kills the jobs at each of these points and checks
 * that the re-run ends as one clean run.
 */
public final class CrashPoints {
    public static final String PROPERTY = "lakeforge.crash-at";
    public static final int EXIT_CODE = 137;

    public static final String INGEST_BRONZE_COMMITTED = "ingest.bronze-committed";
    public static final String REFINE_QUARANTINE_WRITTEN = "refine.quarantine-written";
    public static final String REFINE_SILVER_COMMITTED = "refine.silver-committed";
    public static final String MARTS_TABLE_WRITTEN = "marts.table-written";
    public static final String PUBLISH_STAGED = "publish.staged";
    /** A trained model saved and registered, its predictions not yet written. */
    public static final String TRAIN_REGISTERED = "train.registered";

    private CrashPoints() {
    }

    /** Halts the JVM here when {@value #PROPERTY} names {@code point}. */
    public static void reach(String point) {
        if (point.equals(System.getProperty(PROPERTY))) {
            System.err.println("lakeforge: halting at crash point " + point + " (-D" + PROPERTY + ")");
            System.err.flush();
            Runtime.getRuntime().halt(EXIT_CODE);
        }
    }
}
