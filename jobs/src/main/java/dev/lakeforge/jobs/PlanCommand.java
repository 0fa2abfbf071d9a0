package dev.lakeforge.jobs;

import dev.lakeforge.runs.JobRun;
import picocli.CommandLine.Command;

@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Make the production plan (gold.production_plan) from the newest demand forecast: per plant, product and week,"
                + " forecast − inventory + safety stock, within each plant's weekly capacity, with the shortfall.")
final class PlanCommand extends JobCommand {
    @Override
    protected String jobName() {
        return "plan";
    }

    @Override
    protected boolean runDateFromLanding() {
        return true;
    }

    @Override
    protected void run(JobContext context, JobRun run) {
        Stages.plan(context, run);
    }
}
