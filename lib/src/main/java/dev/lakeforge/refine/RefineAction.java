package dev.lakeforge.refine;

import dev.lakeforge.ingest.SourceCatalog;
import dev.lakeforge.ingest.SourceSpec;
import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.lake.TableName;
import dev.lakeforge.lake.TableRestorer;
import dev.lakeforge.quality.QualityFailedException;
import dev.lakeforge.quality.QualityResults;
import dev.lakeforge.runs.JobRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.LocalDate;
import dev.lakeforge.spark.ConcurrentJobs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.List;

/**
 * Refines every source, dimensions before the facts that reference them, all or nothing:
 * first every {@code fail} expectation is evaluated over the new rows (a failure stops the run before any
 * write); then each source is merged; if anything fails after that, every table the run changed is restored to
 * the version it had when the run started.
 */
public final class RefineAction {
    private static final Logger LOG = LoggerFactory.getLogger(RefineAction.class);
    private final Lakehouse lakehouse;
    private SourceCatalog sources;
    private LocalDate runDate;
    private JobRun run;
    private List<String> only = List.of();
    private int parallelism = 1;

    public RefineAction(Lakehouse lakehouse) {
        this.lakehouse = lakehouse;
    }

    public RefineAction sources(SourceCatalog sources) {
        this.sources = sources;
        return this;
    }

    public RefineAction only(List<String> names) {
        this.only = List.copyOf(names);
        return this;
    }

    public RefineAction runDate(LocalDate runDate) {
        this.runDate = runDate;
        return this;
    }

    public RefineAction run(JobRun run) {
        this.run = run;
        return this;
    }

    /** How many sources to refine at once (each starts once the sources whose silver tables it references are refined). */
    public RefineAction parallelism(int parallelism) {
        this.parallelism = Math.max(1, parallelism);
        return this;
    }

    public List<RefineResult> execute() {
        List<SourceSpec> order = sources.inDependencyOrder().stream().filter(s -> only.isEmpty() || only.contains(s.name())).toList();
        List<TableName> touched = new ArrayList<>();
        for (SourceSpec s : order) {
            touched.add(RefineSourceAction.silver(s));
            touched.add(RefineSourceAction.quarantine(s));
        }
        touched.add(QualityResults.TABLE);
        touched.add(RefineWatermarks.TABLE);
        TableRestorer restorer = TableRestorer.snapshot(lakehouse, touched);

        List<QualityResults.Result> failures = new ArrayList<>();
        for (List<QualityResults.Result> f : ConcurrentJobs.map(lakehouse.spark(), parallelism, "refine-checks", order,
                SourceSpec::name, s -> action(s).failedFailChecks())) {
            failures.addAll(f);
        }
        if (!failures.isEmpty()) {
            new QualityResults(lakehouse).append(run.runId(), runDate, failures, null, 0);
            throw new QualityFailedException(failures);
        }
        Map<String, RefineResult> byName = new ConcurrentHashMap<>();
        List<QualityResults.Result> checks = new ArrayList<>();
        List<RefineWatermarks.Mark> marks = new ArrayList<>();
        AtomicInteger started = new AtomicInteger();
        try {
            List<RefineSourceAction> done = ConcurrentJobs.mapAfter(lakehouse.spark(), parallelism, "refine", prioritized(order),
                    SourceSpec::name, s -> prerequisites(s, order), s -> {
                        LOG.info("Refining {} ({}/{})", s.name(), started.incrementAndGet(), order.size());
                        RefineSourceAction a = action(s);
                        byName.put(s.name(), a.execute());
                        return a;
                    });
            for (RefineSourceAction a : done) {
                checks.addAll(a.checkResults());
                if (a.watermark() != null) {
                    marks.add(a.watermark());
                }
            }
            // one commit each for every source's check results and watermarks
            new QualityResults(lakehouse).append(run.runId(), runDate, checks, null, 0);
            new RefineWatermarks(lakehouse).record(marks, run.runId());
        } catch (RuntimeException | Error e) {
            LOG.error("Refine failed ({}); restoring every table this run changed", e.toString());
            restorer.restore();
            if (e instanceof QualityFailedException q) {
                new QualityResults(lakehouse).append(run.runId(), runDate, q.failures(), null, 0);
            }
            throw e;
        }
        return order.stream().map(s -> byName.get(s.name())).toList();
    }

    /**
     * The sources whose silver tables {@code s} checks references against, among those this run refines: {@code s}
     * starts once they are refined, so its referential checks see the dimensions as this run left them.
     */
    static List<SourceSpec> prerequisites(SourceSpec s, List<SourceSpec> refined) {
        List<SourceSpec> out = new ArrayList<>();
        for (var ref : s.references()) {
            TableName t = TableName.parse(ref.table());
            if (t.layer().equals("silver") && !t.table().equals(s.name())) {
                refined.stream().filter(o -> o.name().equals(t.table())).findFirst().ifPresent(out::add);
            }
        }
        return out;
    }

    /**
     * The order in which ready sources start: first those that most others wait for (the dimensions, then the
     * orders that order lines check), then the largest bronze tables, so that the long refines do not start last
     * and run alone at the end.
     */
    List<SourceSpec> prioritized(List<SourceSpec> order) {
        Map<String, Integer> waiting = new HashMap<>();
        for (SourceSpec s : order) {
            waiting.put(s.name(), dependents(s, order, new java.util.HashSet<>()));
        }
        Map<String, Long> bytes = new HashMap<>();
        for (SourceSpec s : order) {
            bytes.put(s.name(), bronzeBytes(s));
        }
        return order.stream().sorted(java.util.Comparator.<SourceSpec>comparingInt(s -> -waiting.get(s.name()))
                .thenComparingLong(s -> -bytes.get(s.name()))).toList();
    }

    /** How many of {@code order} wait, directly or through others, for {@code s}. */
    private static int dependents(SourceSpec s, List<SourceSpec> order, java.util.Set<String> seen) {
        int n = 0;
        for (SourceSpec o : order) {
            if (prerequisites(o, order).contains(s) && seen.add(o.name())) {
                n += 1 + dependents(o, order, seen);
            }
        }
        return n;
    }

    private long bronzeBytes(SourceSpec s) {
        try {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(lakehouse.path(dev.lakeforge.ingest.IngestSourceAction.bronze(s)));
            return lakehouse.fileSystem().exists(p) ? lakehouse.fileSystem().getContentSummary(p).getLength() : 0;
        } catch (java.io.IOException e) {
            return 0; // only an ordering hint
        }
    }

    private RefineSourceAction action(SourceSpec s) {
        return new RefineSourceAction(lakehouse).source(s).runDate(runDate).run(run);
    }
}
