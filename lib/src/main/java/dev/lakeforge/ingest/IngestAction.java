package dev.lakeforge.ingest;

import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.runs.JobRun;
import dev.lakeforge.spark.ConcurrentJobs;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Ingests every configured source (or the named ones) into bronze, a few sources at a time:
 * <pre>
 *   List&lt;IngestResult&gt; r = new IngestAction(lakehouse, landing).sources(catalog).runDate(d).run(jobRun)
 *           .parallelism(3).onSourceDone((result, took) -&gt; ...).execute();
 * </pre>
 * Each source is an independent {@link IngestSourceAction} (its own ledger transaction, bronze table and rejects),
 * so a failure in one source leaves the others' loads committed and the failed one resumable.
 */
public final class IngestAction {
    private final Lakehouse lakehouse;
    private final String landing;
    private SourceCatalog sources;
    private List<String> only = List.of();
    private LocalDate runDate;
    private JobRun run;
    private int parallelism = 1;
    private BiConsumer<IngestResult, Duration> onSourceDone = (r, d) -> { };

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

    /** Called (from the worker thread) as each source finishes. */
    public IngestAction onSourceDone(BiConsumer<IngestResult, Duration> listener) {
        this.onSourceDone = listener;
        return this;
    }

    public List<IngestResult> execute() {
        List<SourceSpec> specs = sources.inDependencyOrder().stream().filter(s -> only.isEmpty() || only.contains(s.name())).toList();
        return ConcurrentJobs.map(lakehouse.spark(), parallelism, "ingest", specs, SourceSpec::name, s -> {
            long t0 = System.nanoTime();
            IngestResult r = new IngestSourceAction(lakehouse, landing).source(s).runDate(runDate).run(run).execute();
            onSourceDone.accept(r, Duration.ofNanos(System.nanoTime() - t0));
            return r;
        });
    }
}
