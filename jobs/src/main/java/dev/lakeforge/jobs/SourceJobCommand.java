package dev.lakeforge.jobs;

import dev.lakeforge.config.LoadedConfig;
import dev.lakeforge.ingest.SourceCatalog;
import dev.lakeforge.runs.JobRun;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** A data job over the configured sources, optionally limited with {@code --source}; its run date defaults to the newest batch. */
abstract class SourceJobCommand extends JobCommand {
    @Option(names = "--source", paramLabel = "NAME", description = "Only these sources (repeatable; default: all).")
    List<String> only = new ArrayList<>();

    @Override
    protected boolean runDateFromLanding() {
        return true;
    }

    @Override
    protected void validate(LoadedConfig config) {
        SourceCatalog catalog = SourceCatalog.from(config.config());
        only.forEach(catalog::get);
    }

    @Override
    protected void run(JobContext context, JobRun run) {
        run(context, run, Stages.sources(context), List.copyOf(only));
    }

    protected abstract void run(JobContext context, JobRun run, SourceCatalog catalog, List<String> only);
}
