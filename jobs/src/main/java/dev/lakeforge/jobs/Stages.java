package dev.lakeforge.jobs;

import dev.lakeforge.ingest.IngestResult;
import dev.lakeforge.ingest.IngestSourceAction;
import dev.lakeforge.ingest.SourceCatalog;
import dev.lakeforge.ingest.SourceSpec;
import dev.lakeforge.marts.BuildMartsAction;
import dev.lakeforge.marts.MartResult;
import dev.lakeforge.refine.RefineAction;
import dev.lakeforge.refine.RefineResult;
import dev.lakeforge.runs.JobRun;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The lakehouse stages, as the commands and the pipeline run them. */
final class Stages {
    private Stages() {
    }

    static SourceCatalog sources(JobContext c) {
        SourceCatalog catalog = SourceCatalog.from(c.config());
        if (catalog.isEmpty()) {
            throw new dev.lakeforge.config.ConfigurationException(SourceCatalog.PATH, "no sources",
                    "at least one source (conf/sources.conf is included by conf/application.conf)");
        }
        return catalog;
    }

    static List<IngestResult> ingest(JobContext c, JobRun run, SourceCatalog catalog, List<String> only) {
        List<IngestResult> out = new ArrayList<>();
        List<SourceSpec> specs = catalog.inDependencyOrder().stream().filter(s -> only.isEmpty() || only.contains(s.name())).toList();
        int i = 0;
        for (SourceSpec s : specs) {
            i++;
            long t0 = System.nanoTime();
            IngestResult r = new IngestSourceAction(c.lakehouse(), c.config().lakehouse().landing()).source(s).runDate(c.runDate())
                    .run(run).execute();
            System.out.printf(Locale.ROOT, "  ingest %2d/%d %-22s %3d new file(s) %,9d rows %,6d rejected%s (%.1f s)%n", i, specs.size(),
                    s.name(), r.filesLoaded(), r.rowsLoaded(), r.rowsRejected(),
                    r.newColumns().isEmpty() ? "" : ", new columns " + r.newColumns(), (System.nanoTime() - t0) / 1e9);
            out.add(r);
        }
        return out;
    }

    static List<RefineResult> refine(JobContext c, JobRun run, SourceCatalog catalog, List<String> only) {
        List<RefineResult> results = new RefineAction(c.lakehouse()).sources(catalog).only(only).runDate(c.runDate()).run(run).execute();
        for (RefineResult r : results) {
            System.out.printf(Locale.ROOT, "  refine %-22s %,9d in → %,9d inserted %,7d updated %,7d quarantined %,7d removed%n",
                    r.source(), r.rowsIn(), r.inserted(), r.updated(), r.quarantined(), r.removed());
        }
        return results;
    }

    static List<MartResult> marts(JobContext c, JobRun run) {
        List<MartResult> results = new BuildMartsAction(c.lakehouse()).runDate(c.runDate()).run(run).execute();
        for (MartResult m : results) {
            System.out.printf(Locale.ROOT, "  gold   %-30s %-14s %,10d rows (v%d)%n", m.table(), m.mode(), m.rows(), m.version());
        }
        return results;
    }
}
