package dev.lakeforge.jobs;

import dev.lakeforge.config.LoadedConfig;
import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.runs.JobRun;
import dev.lakeforge.runs.JobRunner;
import dev.lakeforge.runs.RunRecord;
import dev.lakeforge.spark.SparkSessionFactory;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Mixin;

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

    @Override
    public Integer call() {
        LoadedConfig config = globals.load();
        validate(config);
        SparkSession spark = SparkSessionFactory.create(config.config());
        Lakehouse lakehouse = Lakehouse.of(spark, config.config());
        JobContext context = new JobContext(config, spark, lakehouse, globals.runDate());
        RunRecord record = new JobRunner(lakehouse, config).run(jobName(), globals.runDate(), run -> run(context, run));
        return record.succeeded() ? 0 : 1;
    }
}
