package dev.lakeforge.jobs;

import dev.lakeforge.config.LoadedConfig;
import dev.lakeforge.publish.PublishSettings;
import dev.lakeforge.runs.JobRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;

@Command(name = "publish", mixinStandardHelpOptions = true,
        description = "Publish the gold tables listed in lakeforge.publish.tables (conf/publish.conf): register them in the catalog"
                + " (database gold, with table and column comments) and load them into the serving database (SQLite file by default,"
                + " PostgreSQL in production) through a staging table and an atomic swap, with the data dictionary and the BI views."
                + " Tables whose source version was published already are left alone.")
final class PublishCommand extends JobCommand {
    @Option(names = "--table", split = ",", paramLabel = "NAME", description = "Only these published tables (default: all).")
    List<String> only = List.of();

    @Option(names = "--force", description = "Reload tables even when their source version is published already.")
    boolean force;

    private PublishSettings settings;

    @Override
    protected String jobName() {
        return "publish";
    }

    @Override
    protected void validate(LoadedConfig config) {
        settings = PublishSettings.from(config.config()).only(only);
    }

    @Override
    protected void run(JobContext context, JobRun run) {
        Stages.publish(context, run, settings, force);
    }
}
