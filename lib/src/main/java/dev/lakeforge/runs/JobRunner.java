package dev.lakeforge.runs;

import dev.lakeforge.config.LoadedConfig;
import dev.lakeforge.config.Secrets;
import dev.lakeforge.lake.Lakehouse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Properties;

/**
 * Runs one job invocation and records it: a row in the run records table for success and for failure
 * alike, and a short summary on the console.
 */
public final class JobRunner {
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

    /** The body of a job. */
    @FunctionalInterface
    public interface Job {
        void run(JobRun run) throws Exception;
    }

    private final Lakehouse lakehouse;
    private final LoadedConfig config;
    private final RunRecordStore store;
    private Clock clock = Clock.systemUTC();
    private PrintStream out = System.out;

    public JobRunner(Lakehouse lakehouse, LoadedConfig config) {
        this.lakehouse = lakehouse;
        this.config = config;
        this.store = RunRecordStore.of(lakehouse, config.config());
    }

    public JobRunner clock(Clock clock) {
        this.clock = clock;
        return this;
    }

    public JobRunner out(PrintStream out) {
        this.out = out;
        return this;
    }

    public RunRecordStore store() {
        return store;
    }

    /** Runs the job; never throws for a job failure — the returned record says FAILED and why. */
    public RunRecord run(String jobName, LocalDate runDate, Job job) {
        JobRun run = new JobRun(jobName, runDate, clock);
        LOG.info("Run {} started: job {} for run date {}", run.runId(), jobName, runDate);
        RunStatus status = RunStatus.SUCCEEDED;
        String error = null;
        Throwable failure = null;
        var settings = config.config().runs();
        try (RunLock.Held lock = RunLock.in(lakehouse.fileSystem(), lakehouse.root()).heartbeat(settings.lockHeartbeat())
                .staleAfter(settings.lockStaleAfter()).acquire(jobName, runDate, run.runId())) {
            lock.abandonedRuns().forEach(dead -> recordAbandoned(dead, run));
            job.run(run);
        } catch (Exception | Error e) {
            status = RunStatus.FAILED;
            failure = e;
            error = Secrets.redact(describe(e), config.secretValues());
        }
        RunRecord record = run.finish(status, error, clock.instant(), config.hash(), projectVersion(),
                config.config().environment());
        try {
            store.append(record);
        } catch (RuntimeException e) {
            LOG.error("Could not write the run record of {} to {}: {}", run.runId(), store.table(), e.toString());
            if (status == RunStatus.SUCCEEDED) {
                status = RunStatus.FAILED;
                error = "run record could not be written: " + Secrets.redact(e.toString(), config.secretValues());
                record = run.finish(status, error, clock.instant(), config.hash(), projectVersion(), config.config().environment());
            }
        }
        if (failure != null) {
            LOG.error("Run " + run.runId() + " failed", new RedactedFailure(error, failure));
        }
        out.println(RunSummary.format(record));
        return record;
    }

    /** A run that died holding its lock (killed, machine lost) never wrote its record: write it now, as failed. */
    private void recordAbandoned(RunLock.Holder dead, JobRun taker) {
        Instant now = clock.instant();
        RunRecord r = new RunRecord(dead.runId(), dead.job(), dead.runDate(), dead.startedAt(), now, RunStatus.FAILED,
                "ended without finishing: its process (" + dead.pid() + " on " + dead.host() + ") was gone when run " + taker.runId()
                        + " took over its lock at " + now + " (killed or lost; the time it ended is not known)", null, projectVersion(), config.config().environment(), java.util.List.of(),
                java.util.Map.of());
        try {
            if (store.byId(dead.runId()).isEmpty()) {
                store.append(r);
            }
            LOG.warn("Run {} ({} for {}) ended without finishing; recorded as failed", dead.runId(), dead.job(), dead.runDate());
        } catch (RuntimeException e) {
            LOG.warn("Could not record the abandoned run {}: {}", dead.runId(), e.toString());
        }
    }

    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        Throwable t = e;
        int depth = 0;
        while (t != null && depth < 4) {
            if (depth > 0) {
                sb.append(" | caused by: ");
            }
            String msg = t.getMessage();
            sb.append(t.getClass().getSimpleName()).append(msg == null ? "" : ": " + firstLines(msg, 6));
            t = t.getCause() == t ? null : t.getCause();
            depth++;
        }
        return sb.toString();
    }

    private static String firstLines(String s, int n) {
        String joined = String.join(" ", s.lines().limit(n).toList());
        // Spark puts whole query plans into some messages: keep the part that says what went wrong.
        return joined.length() > 600 ? joined.substring(0, 600) + " …" : joined;
    }

    public static String projectVersion() {
        Properties p = new Properties();
        try (InputStream in = JobRunner.class.getResourceAsStream("/dev/lakeforge/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }

    /** Logs a failure with its (already redacted) message, keeping the stack trace of the original. */
    private static final class RedactedFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RedactedFailure(String message, Throwable original) {
            super(message, null, false, true);
            setStackTrace(original.getStackTrace());
        }
    }
}
