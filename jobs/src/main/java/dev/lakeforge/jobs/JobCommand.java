package dev.lakeforge.jobs;

import dev.lakeforge.config.LoadedConfig;
import dev.lakeforge.ingest.LandingBatches;
import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.runs.JobRun;
import dev.lakeforge.runs.JobRunner;
import dev.lakeforge.runs.RunRecord;
import dev.lakeforge.spark.SparkSessionFactory;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Mixin;

import java.time.LocalDate;
import java.util.concurrent.Callable;

/**
 * A command that runs a job: load and validate the configuration (exit 2 when it is bad, before Spark
 * starts), start Spark, run the job body under a run record, print the summary. Exit 0 on success, 1 when
 * the job failed.
 */
public abstract class JobCommand implements Callable<Integer> {
    @Mixin
    protected GlobalOptions globals;

    /** The job's name in run records. */
    protected abstract String jobName();

    /** Checks the command's own options before Spark starts; throw {@link picocli.CommandLine.ParameterException} or ConfigurationException. */
    protected void validate(LoadedConfig config) {
    }

    protected abstract void run(JobContext context, JobRun run) throws Exception;

    /** Data jobs default their run date to the newest landing batch (up to today) rather than today. */
    protected boolean runDateFromLanding() {
        return false;
    }

    @Override
    public Integer call() {
        LoadedConfig config = globals.load();
        validate(config);
        SparkSession spark = SparkSessionFactory.create(config.config());
        Lakehouse lakehouse = Lakehouse.of(spark, config.config());
        LocalDate runDate = globals.runDate;
        if (runDate == null) {
            runDate = runDateFromLanding()
                    ? LandingBatches.latest(spark.sparkContext().hadoopConfiguration(), config.config().lakehouse().landing(),
                    GlobalOptions.today()).orElse(GlobalOptions.today())
                    : GlobalOptions.today();
            System.out.println("Run date " + runDate + (runDateFromLanding() ? " (the newest batch in the landing folder)" : ""));
        }
        JobContext context = new JobContext(config, spark, lakehouse, runDate);
        RunRecord record = new JobRunner(lakehouse, config).run(jobName(), runDate, run -> run(context, run));
        return record.succeeded() ? 0 : 1;
    }
}
