package dev.lakeforge.ingest;

import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.runs.JobRun;
import dev.lakeforge.runs.RunLock;
import dev.lakeforge.spark.ConcurrentJobs;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Ingests every configured source (or the named ones) into bronze, a few sources at a time:
 * <pre>
 *   List&lt;IngestResult&gt; r = new IngestAction(lakehouse, landing).sources(catalog).runDate(d).run(jobRun)
 *           .parallelism(3).onSourceDone((result, took) -&gt; ...).execute();
 * </pre>
 * Each source is an {@link IngestSourceAction} with its own Delta transaction ids for its bronze table and rejects;
 * the file ledger takes two commits per run for all of them (see {@link #execute()}). A failure in one source's
 * load leaves the others' loads committed and recorded, and the failed one resumable.
 * <p>
 * One ingest at a time per lakehouse: the action holds the lakehouse-wide {@value #LOCK} lock ({@link RunLock}) while
 * it runs, whatever the run date, because every load reads and writes the one file ledger — two ingests that
 * overlapped (a backfill beside the daily run, a pipeline beside a manual ingest) would both load the same new files.
 * Under the lock the ledger is read once for all sources.
 */
public final class IngestAction {
    /** The name of the lakehouse-wide ingest lock ({@code _locks/ingest.lock}). */
    public static final String LOCK = "ingest";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(IngestAction.class);
    private final Lakehouse lakehouse;
    private final String landing;
    private SourceCatalog sources;
    private List<String> only = List.of();
    private LocalDate runDate;
    private JobRun run;
    private int parallelism = 1;
    private BiConsumer<IngestResult, Duration> onSourceDone = (r, d) -> { };
    private RunLock locks;

    public IngestAction(Lakehouse lakehouse, String landing) {
        this.lakehouse = lakehouse;
        this.landing = landing;
    }

    public IngestAction sources(SourceCatalog sources) {
        this.sources = sources;
        return this;
    }

    public IngestAction only(List<String> names) {
        this.only = List.copyOf(names);
        return this;
    }

    public IngestAction runDate(LocalDate runDate) {
        this.runDate = runDate;
        return this;
    }

    public IngestAction run(JobRun run) {
        this.run = run;
        return this;
    }

    public IngestAction parallelism(int parallelism) {
        this.parallelism = Math.max(1, parallelism);
        return this;
    }

    /** Where the ingest lock is kept and how it is kept alive (default: the lakehouse's {@code _locks}, default timings). */
    public IngestAction locks(RunLock locks) {
        this.locks = locks;
        return this;
    }

    /** Called (from the worker thread) as each source finishes. */
    public IngestAction onSourceDone(BiConsumer<IngestResult, Duration> listener) {
        this.onSourceDone = listener;
        return this;
    }

    /**
     * Plans every source (scan, checksums, headers: nothing written), records every file about to be loaded as
     * PENDING in one ledger commit, loads the sources a few at a time, and records what they loaded in one more
     * commit — also when a source failed, so what the others loaded is recorded (the failed one stays pending and the
     * next run finishes it). A source whose files cannot be loaded (a missing column, say) stops the run before
     * anything is written. Two ledger commits per run, not two per source: each Delta commit costs a write job and a
     * log entry, and the ledger is small.
     */
    public List<IngestResult> execute() {
        List<SourceSpec> specs = sources.inDependencyOrder().stream().filter(s -> only.isEmpty() || only.contains(s.name())).toList();
        try (RunLock.Held lock = lock(lakehouse, locks, run)) {
            IngestLedger ledger = new IngestLedger(lakehouse);
            ledger.ensureTable();
            Map<String, IngestLedger.State> states = ledger.states();
            long txn = ledger.nextTxn(); // above every number in the ledger; under the lock no other load takes one
            List<IngestSourceAction> actions = specs.stream().map(s -> new IngestSourceAction(lakehouse, landing).source(s)
                    .runDate(runDate).run(run).ledger(states.getOrDefault(s.name(), IngestLedger.State.NONE), txn)).toList();
            List<Integer> order = java.util.stream.IntStream.range(0, specs.size()).boxed().toList();
            List<IngestSourceAction.Plan> plans = ConcurrentJobs.map(lakehouse.spark(), parallelism, "ingest-plan", order,
                    i -> specs.get(i).name(), i -> actions.get(i).loadsFiles() ? actions.get(i).plan() : null);
            List<IngestLedger.Entry> pending = plans.stream().filter(java.util.Objects::nonNull)
                    .flatMap(p -> p.pending().stream()).toList();
            if (!pending.isEmpty()) {
                ledger.append(pending);
            }
            java.util.Queue<IngestLedger.Entry> done = new java.util.concurrent.ConcurrentLinkedQueue<>();
            List<IngestResult> results;
            try {
                results = ConcurrentJobs.map(lakehouse.spark(), parallelism, "ingest", order, i -> specs.get(i).name(), i -> {
                    long t0 = System.nanoTime();
                    IngestResult r;
                    if (plans.get(i) == null) {
                        r = actions.get(i).execute(); // a database source records its own load
                    } else {
                        IngestSourceAction.Loaded loaded = actions.get(i).write(plans.get(i));
                        done.addAll(loaded.ledgerEntries());
                        r = loaded.result();
                    }
                    onSourceDone.accept(r, Duration.ofNanos(System.nanoTime() - t0));
                    return r;
                });
            } catch (RuntimeException | Error e) {
                try {
                    record(ledger, done);
                } catch (RuntimeException recordFailed) {
                    e.addSuppressed(recordFailed); // those loads stay pending; the next run finishes them
                }
                throw e;
            }
            record(ledger, done);
            return results;
        }
    }

    private static void record(IngestLedger ledger, java.util.Collection<IngestLedger.Entry> done) {
        if (!done.isEmpty()) {
            ledger.append(new java.util.ArrayList<>(done));
        }
    }

    /** Takes the lakehouse-wide ingest lock for {@code run}, or fails naming the run that holds it. */
    static RunLock.Held lock(Lakehouse lakehouse, RunLock locks, JobRun run) {
        RunLock.Held held = (locks != null ? locks : RunLock.in(lakehouse.fileSystem(), lakehouse.root()))
                .acquireExclusive(LOCK, run.job(), run.runDate(), run.runId());
        if (!held.abandonedRuns().isEmpty()) {
            LOG.warn("Took over the ingest lock from {} run(s) that ended without releasing it ({}); a load one of them left "
                    + "unfinished is finished from the file ledger", held.abandonedRuns().size(), held.abandonedRuns().stream()
                    .map(RunLock.Holder::runId).toList());
        }
        return held;
    }
}
