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
import java.util.ArrayList;
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
        for (SourceSpec s : order) {
            failures.addAll(action(s).failedFailChecks());
        }
        if (!failures.isEmpty()) {
            new QualityResults(lakehouse).append(run.runId(), runDate, failures, null, 0);
            throw new QualityFailedException(failures);
        }
        List<RefineResult> results = new ArrayList<>();
        try {
            for (SourceSpec s : order) {
                LOG.info("Refining {} ({}/{})", s.name(), results.size() + 1, order.size());
                results.add(action(s).execute());
            }
        } catch (RuntimeException | Error e) {
            LOG.error("Refine failed ({}); restoring every table this run changed", e.toString());
            restorer.restore();
            if (e instanceof QualityFailedException q) {
                new QualityResults(lakehouse).append(run.runId(), runDate, q.failures(), null, 0);
            }
            throw e;
        }
        return results;
    }

    private RefineSourceAction action(SourceSpec s) {
        return new RefineSourceAction(lakehouse).source(s).runDate(runDate).run(run);
    }
}
