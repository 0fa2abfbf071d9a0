package dev.lakeforge.jobs;

import dev.lakeforge.ingest.SourceCatalog;
import dev.lakeforge.runs.JobRun;
import picocli.CommandLine.Command;

import java.util.List;

@Command(name = "refine", mixinStandardHelpOptions = true,
        description = "Refine new bronze rows into silver: typing, standardisation, expectations, quarantine, MERGE / SCD2, table checks.")
final class RefineCommand extends SourceJobCommand {
    @Override
    protected String jobName() {
        return "refine";
    }

    @Override
    protected void run(JobContext context, JobRun run, SourceCatalog catalog, List<String> only) {
        Stages.refine(context, run, catalog, only);
    }
}
