package dev.lakeforge.jobs;

import dev.lakeforge.ingest.IngestResult;
import dev.lakeforge.ingest.SourceCatalog;
import dev.lakeforge.marts.MartResult;
import dev.lakeforge.pipeline.PipelineSummary;
import dev.lakeforge.refine.RefineResult;
import dev.lakeforge.runs.JobRun;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.Locale;

@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = "Run the stages in order for the run date — ingest, refine, marts — with progress per stage and a final summary."
                + " On the embedded default it reads the bundled sample in data/sample.")
final class PipelineCommand extends JobCommand {
    @Override
    protected String jobName() {
        return "pipeline";
    }

    @Override
    protected boolean runDateFromLanding() {
        return true;
    }

    @Override
    protected void validate(dev.lakeforge.config.LoadedConfig config) {
        if (SourceCatalog.from(config.config()).isEmpty()) {
            throw new dev.lakeforge.config.ConfigurationException(SourceCatalog.PATH, "no sources",
                    "at least one source (conf/application.conf includes conf/sources.conf; a --conf file must declare its own)");
        }
    }

    @Override
    protected void run(JobContext context, JobRun run) {
        SourceCatalog catalog = Stages.sources(context);
        System.out.println("Lakehouse " + context.config().lakehouse().root() + ", landing " + context.config().lakehouse().landing()
                + ", run date " + context.runDate());
        long t0 = System.nanoTime();
        System.out.println("[1/3] ingest: landing files → bronze");
        List<IngestResult> ingest = Stages.ingest(context, run, catalog, List.of());
        long t1 = System.nanoTime();
        System.out.println("[2/3] refine: bronze → silver (quality, quarantine, merge)");
        List<RefineResult> refine = Stages.refine(context, run, catalog, List.of());
        long t2 = System.nanoTime();
        System.out.println("[3/3] marts: silver → gold");
        List<MartResult> marts = Stages.marts(context, run);
        long t3 = System.nanoTime();
        System.out.printf(Locale.ROOT, "%nStage times: ingest %.1f s, refine %.1f s, marts %.1f s%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9,
                (t3 - t2) / 1e9);
        System.out.println(PipelineSummary.format(ingest, refine, marts));
        run.count("stage_ms.ingest", (t1 - t0) / 1_000_000);
        run.count("stage_ms.refine", (t2 - t1) / 1_000_000);
        run.count("stage_ms.marts", (t3 - t2) / 1_000_000);
    }
}
