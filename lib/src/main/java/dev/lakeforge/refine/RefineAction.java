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

    /** How many sources to refine at once (sources of one dependency level only). */
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
            for (List<SourceSpec> level : levels(order)) {
                List<RefineSourceAction> done = ConcurrentJobs.map(lakehouse.spark(), parallelism, "refine", level, SourceSpec::name, s -> {
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
     * The sources in groups that can be refined at once: a source comes in a later group than every source whose
     * silver table it references, so its referential checks see the dimension as this run left it.
     */
    static List<List<SourceSpec>> levels(List<SourceSpec> ordered) {
        Map<String, Integer> level = new HashMap<>();
        List<List<SourceSpec>> out = new ArrayList<>();
        for (SourceSpec s : ordered) {
            int l = 0;
            for (var ref : s.references()) {
                TableName t = TableName.parse(ref.table());
                Integer dep = level.get(t.table());
                if (t.layer().equals("silver") && dep != null && !t.table().equals(s.name())) {
                    l = Math.max(l, dep + 1);
                }
            }
            level.put(s.name(), l);
            while (out.size() <= l) {
                out.add(new ArrayList<>());
            }
            out.get(l).add(s);
        }
        return out;
    }

    private RefineSourceAction action(SourceSpec s) {
        return new RefineSourceAction(lakehouse).source(s).runDate(runDate).run(run);
    }
}
