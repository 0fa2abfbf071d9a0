package dev.lakeforge.jobs;

import dev.lakeforge.runs.JobRun;
import picocli.CommandLine.Command;

@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = "Run the stages in order for the run date, with progress per stage and a final summary.")
final class PipelineCommand extends JobCommand {
    @Override
    protected String jobName() {
        return "pipeline";
    }

    @Override
    protected void run(JobContext context, JobRun run) {
        System.out.println("Lakehouse at " + context.config().lakehouse().root() + " — run date " + context.runDate());
    }
}
