package dev.lakeforge.jobs;

import dev.lakeforge.ingest.SourceCatalog;
import dev.lakeforge.runs.JobRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

@Command(name = "refine", mixinStandardHelpOptions = true,
        description = "Refine new bronze rows into silver: typing, standardisation, expectations, quarantine, MERGE / SCD2, table checks.")
final class RefineCommand extends JobCommand {
    @Option(names = "--source", paramLabel = "NAME", description = "Only these sources (repeatable; default: all).")
    List<String> only = new ArrayList<>();

    @Override
    protected String jobName() {
        return "refine";
    }

    @Override
    protected boolean runDateFromLanding() {
        return true;
    }

    @Override
    protected void validate(dev.lakeforge.config.LoadedConfig config) {
        SourceCatalog catalog = SourceCatalog.from(config.config());
        only.forEach(catalog::get);
    }

    @Override
    protected void run(JobContext context, JobRun run) {
        SourceCatalog catalog = Stages.sources(context);
        only.forEach(catalog::get);
        Stages.refine(context, run, catalog, only);
    }
}
