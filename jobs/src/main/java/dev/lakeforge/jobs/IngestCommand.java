package dev.lakeforge.jobs;

import dev.lakeforge.ingest.SourceCatalog;
import dev.lakeforge.runs.JobRun;
import picocli.CommandLine.Command;

import java.util.List;

@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Load new landing files (batches up to the run date) into the bronze tables; unparseable lines go to bronze.rejects.")
final class IngestCommand extends SourceJobCommand {
    @Override
    protected String jobName() {
        return "ingest";
    }

    @Override
    protected void run(JobContext context, JobRun run, SourceCatalog catalog, List<String> only) {
        Stages.ingest(context, run, catalog, only);
    }
}
