package dev.lakeforge.runs;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The run in progress: jobs tell it which tables they read and wrote and count what they did; the
 * {@link JobRunner} turns it into a {@link RunRecord} at the end, whatever happened.
 */
public final class JobRun {
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final String runId;
    private final String job;
    private final LocalDate runDate;
    private final Instant startedAt;
    private final List<TableAccess> tables = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Long> metrics = Collections.synchronizedMap(new LinkedHashMap<>());

    JobRun(String job, LocalDate runDate, Clock clock) {
        this.job = job;
        this.runDate = runDate;
        this.startedAt = clock.instant();
        this.runId = newRunId(job, startedAt);
    }

    static String newRunId(String job, Instant at) {
        String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
        return job + "-" + ID_TIME.format(at) + "-" + "0".repeat(6 - suffix.length()) + suffix;
    }

    public String runId() {
        return runId;
    }

    public String job() {
        return job;
    }

    public LocalDate runDate() {
        return runDate;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public void read(String table, long version, long rows) {
        tables.add(TableAccess.read(table, version, rows));
    }

    public void wrote(String table, long version, long rows) {
        tables.add(TableAccess.written(table, version, rows));
    }

    /** Adds to a counter such as {@code rows_in}, {@code rows_rejected}, {@code orders.rows_out}. */
    public void count(String metric, long delta) {
        metrics.merge(metric, delta, Long::sum);
    }

    public List<TableAccess> tables() {
        synchronized (tables) {
            return List.copyOf(tables);
        }
    }

    public Map<String, Long> metrics() {
        synchronized (metrics) {
            return Map.copyOf(metrics);
        }
    }

    /** The run as it stands now, still running (ended_at unset): what the data docs show for the run that builds them. */
    public RunRecord inProgress() {
        return finish(RunStatus.RUNNING, null, null, null, null, null);
    }

    RunRecord finish(RunStatus status, String error, Instant endedAt, String configHash, String version, String environment) {
        synchronized (metrics) {
            return new RunRecord(runId, job, runDate, startedAt, endedAt, status, error, configHash, version, environment,
                    tables(), Collections.unmodifiableMap(new LinkedHashMap<>(metrics)));
        }
    }
}
