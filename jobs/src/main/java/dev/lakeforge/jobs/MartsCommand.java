package dev.lakeforge.jobs;

import dev.lakeforge.runs.JobRun;
import picocli.CommandLine.Command;

@Command(name = "marts", mixinStandardHelpOptions = true,
        description = "Build the gold business and feature tables (sales_daily, customer_features, product_demand_weekly, interactions, market_daily) from silver.")
final class MartsCommand extends JobCommand {
    @Override
    protected String jobName() {
        return "marts";
    }

    @Override
    protected boolean runDateFromLanding() {
        return true;
    }

    @Override
    protected void run(JobContext context, JobRun run) {
        Stages.marts(context, run);
    }
}
